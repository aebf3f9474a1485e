"""What the tour of the console as its users found: an escalation says which step and who was told, a report
with an empty name reads as anonymous and an owner is told a named reporter is kept from them (an empty 举报人
looked like a fault), and unclassified reports are named in the charts."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.console import charts
from safety_service.hazards.figures import Figures
from safety_service.hazards.models import HazardEvent
from safety_service.hazards.states import HazardState
from safety_service.i18n import Translator
from safety_service.people.models import Role
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.people.builders import make_user


def test_the_timeline_names_the_escalation_step_and_who_was_told(console: TestClient, session: Session,
                                                                  signed_in) -> None:
    hazard = make_hazard(session)
    hazard.reporter_name = ""  # a kiosk sends an empty name for an anonymous report
    session.add(hazard)
    session.add(HazardEvent(hazard_id=hazard.id, at=utc_now(), action="escalated",
                            data={"level": 2, "to": "officer", "notified": []}))
    session.commit()
    signed_in(Role.officer)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    assert "超期督办第 2 级（通知安全员）" in page
    assert page.split('id="reporter">')[1].startswith("匿名")
    english = console.get(f"/console/hazards/{hazard.ref}", params={"lang": "en"}).text
    assert "Overdue escalation, step 2 (Safety officer told)" in english


def test_an_owner_is_told_a_named_report_s_reporter_is_kept_from_them(console: TestClient, session: Session) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=HazardState.rectifying, owner=owner, reporter_employee_no="1001")
    session.commit()
    sign_in(console, owner)
    page = console.get(f"/console/hazards/{hazard.ref}").text
    shown = page.split('id="reporter">')[1][:200]
    assert "1001" not in shown and "匿名" not in shown and "仅安全管理人员可见" in shown


def test_reports_not_yet_classified_are_named_in_the_category_chart() -> None:
    figures = Figures(at=utc_now(), open_by_category=[("", 4), ("顶板", 2)], open_by_grade=[("none", 4)],
                      top_locations=[("1701综采工作面", 3)], weeks=[utc_now()], reports_by_channel={"qr": [4]},
                      overdue_by_week=[0], closure_rate=None, median_close_hours=None, open_total=6, overdue_now=0)
    drawn = charts.charts(figures, Translator("zh-CN"))
    assert "待分类" in drawn["category"] and "—" not in drawn["category"]
