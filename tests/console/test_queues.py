"""The queues: each role sees what it may act on, filters, sorting, paging and the polled list."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.hazards import scheduled as hazards_scheduled
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Role
from tests.console.conftest import sign_in
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area, make_location
from tests.people.builders import make_user


def test_an_officer_starts_at_the_new_reports(console: TestClient, session: Session, signed_in) -> None:
    new = make_hazard(session, description="主井罐笼信号异常")
    rectifying = make_hazard(session, state=HazardState.rectifying)
    signed_in(Role.officer)
    page = console.get("/console/")
    assert page.status_code == 200 and new.ref in page.text and rectifying.ref not in page.text
    assert 'id="tab-triage" class="on' in page.text
    assert rectifying.ref in console.get("/console/?queue=rectifying").text


def test_the_overdue_board_shows_how_long_in_red(console: TestClient, session: Session, signed_in) -> None:
    past = utc_now() - timedelta(days=2, hours=5)
    late = make_hazard(session, state=HazardState.rectifying, now=past - timedelta(days=1), deadline=past)
    on_time = make_hazard(session, state=HazardState.rectifying)
    signed_in(Role.officer)
    page = console.get("/console/?queue=overdue").text
    assert late.ref in page and on_time.ref not in page
    assert 'class="overdue"' in page and "已超期 2 天 5 小时" in page


def test_escalated_hazards_say_how_far_they_climbed(console: TestClient, session: Session, signed_in,
                                                    console_settings) -> None:
    past = utc_now() - timedelta(days=5)
    late = make_hazard(session, state=HazardState.rectifying, now=past - timedelta(days=1), deadline=past)
    hazards_scheduled.escalate_overdue(session, now=utc_now(), settings=console_settings)
    signed_in(Role.chief)
    page = console.get("/console/?queue=overdue").text
    assert late.ref in page and "已督办第 3 级" in page
    assert 'id="escalated"' in console.get(f"/console/hazards/{late.ref}").text


def test_the_chief_sees_major_hazards_first(console: TestClient, session: Session, signed_in) -> None:
    major = make_hazard(session, state=HazardState.rectifying, grade=Grade.major)
    general = make_hazard(session, state=HazardState.rectifying)
    signed_in(Role.chief)
    page = console.get("/console/").text
    assert 'id="tab-major" class="on' in page and major.ref in page and general.ref not in page
    assert page.index("tab-major") < page.index("tab-overdue") < page.index("tab-triage")


def test_an_owner_sees_only_the_hazards_assigned_to_them(console: TestClient, session: Session, signed_in) -> None:
    owner, _token = signed_in(Role.owner)
    mine = make_hazard(session, state=HazardState.rectifying, owner=owner)
    other = make_hazard(session, state=HazardState.rectifying)
    session.commit()
    page = console.get("/console/").text
    assert mine.ref in page and other.ref not in page and "tab-triage" not in page
    for queue in ("triage", "all", "overdue"):
        assert console.get(f"/console/?queue={queue}").status_code == 403
    assert console.get(f"/console/?queue=mine&owner={other.ref}").status_code == 200


def test_filters_narrow_the_list(console: TestClient, session: Session, signed_in) -> None:
    area = make_area(session)
    there = make_hazard(session, location=make_location(session, area=area), description="皮带机托辊损坏")
    elsewhere = make_hazard(session, description="风门关闭不严", category_code="ventilation")
    signed_in(Role.officer)
    assert _refs(console, f"queue=all&area={area.code}") == {there.ref}
    assert _refs(console, "queue=all&q=风门") == {elsewhere.ref}
    assert _refs(console, "queue=all&category=ventilation") == {elsewhere.ref}
    assert _refs(console, "queue=all&state=reported&grade=") >= {there.ref, elsewhere.ref}
    today = utc_now().date()
    assert _refs(console, f"queue=all&from={today - timedelta(days=1)}&to={today + timedelta(days=1)}") >= {there.ref}
    assert _refs(console, f"queue=all&from={today + timedelta(days=5)}") == set()


def test_bad_filters_show_the_reason_beside_the_field(console: TestClient, session: Session, signed_in) -> None:
    signed_in(Role.officer)
    page = console.get("/console/?queue=all&from=yesterday&location=NOPE")
    assert page.status_code == 422 and 'id="err-from"' in page.text and 'id="err-location"' in page.text
    page = console.get("/console/?queue=all&location=NOPE")
    assert page.status_code == 422 and 'id="err-location"' in page.text and "没有这个名称或代码的地点" in page.text


def test_sorting_and_paging(console: TestClient, session: Session, signed_in, console_settings) -> None:
    now = utc_now()
    made = [make_hazard(session, now=now - timedelta(hours=i)) for i in range(console_settings.console_page_size + 3)]
    signed_in(Role.officer)
    first = console.get("/console/?queue=triage&sort=reported_at").text
    assert first.index(made[-1].ref) < first.index(made[-2].ref) and 'id="next"' in first
    second = console.get("/console/?queue=triage&page=2").text
    assert made[-1].ref in second and made[0].ref not in second and 'id="prev"' in second


def test_the_list_part_is_what_the_page_polls(console: TestClient, session: Session, signed_in) -> None:
    signed_in(Role.officer)
    assert "<html" not in console.get("/console/?queue=triage&partial=1").text
    arrived = make_hazard(session, description="新到的举报")
    session.commit()
    polled = console.get("/console/?queue=triage&partial=1")
    assert polled.status_code == 200 and arrived.ref in polled.text and "<html" not in polled.text
    page = console.get("/console/").text
    assert 'data-poll="5"' in page and "/console/static/console.js" in page
    assert "setTimeout" in console.get("/console/static/console.js").text


def _refs(console: TestClient, query: str) -> set[str]:
    import re

    return set(re.findall(r'data-ref="([^"]+)"', console.get(f"/console/?{query}").text))


def test_english_on_request(console: TestClient, session: Session, signed_in) -> None:
    signed_in(Role.officer)
    assert "New reports" in console.get("/console/?lang=en").text
    assert "新报待核实" in console.get("/console/?lang=zh-CN").text


def test_an_admin_sees_every_queue_but_an_owner_queue(console: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.admin)
    session.commit()
    sign_in(console, admin)
    assert 'id="tab-all" class="on' in console.get("/console/").text
    assert console.get("/console/?queue=mine").status_code == 403
