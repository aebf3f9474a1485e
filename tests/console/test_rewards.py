"""The reward ledger pages: entries with filters, balances, reversal with a reason, payout, CSV and XLSX export."""

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from safety_service.rewards import service as rewards_service
from safety_service.rewards.models import RewardEntry
from tests.hazards.builders import make_hazard
from tests.people.builders import make_person


def _entries(session: Session, employee_no: str) -> list[tuple[str, int]]:
    rows = session.exec(select(RewardEntry).where(RewardEntry.employee_no == employee_no)).all()
    return sorted((e.kind, e.points) for e in rows)


def test_entries_with_filters_and_balances(console: TestClient, session: Session, console_settings: Settings,
                                           signed_in) -> None:
    person, other = make_person(session, name="孙举报"), make_person(session)
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    make_hazard(session, state=HazardState.confirmed, reporter_employee_no=other.employee_no)
    session.commit()
    signed_in(Role.officer)
    page = console.get("/console/rewards", params={"employee_no": person.employee_no}).text
    entries = page.split('id="entries">')[1].split("</table>")[0]
    assert hazard.ref in entries and "举报奖励" in entries and f"+{console_settings.reward_general_points}" in entries
    assert other.employee_no not in entries
    balances = page.split('id="balances">')[1].split("</table>")[0]
    assert "孙举报" in balances and other.employee_no in balances
    payouts = console.get("/console/rewards", params={"kind": "payout"}).text
    assert hazard.ref not in payouts.split('id="entries">')[1].split("</table>")[0]
    bad = console.get("/console/rewards", params={"kind": "gift"})
    assert bad.status_code == 422 and 'id="err-kind"' in bad.text


def test_reversing_an_award_takes_the_points_back_once(console: TestClient, session: Session,
                                                       console_settings: Settings, signed_in) -> None:
    person = make_person(session)
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    session.commit()
    _, token = signed_in(Role.chief)
    missing = console.post("/console/rewards/reverse", data={"csrf_token": token, "ref": hazard.ref, "reason": " "})
    assert missing.status_code == 422 and 'id="err-reason"' in missing.text
    unknown = console.post("/console/rewards/reverse", data={"csrf_token": token, "ref": "YH-1999-000001",
                                                             "reason": "重复"})
    assert unknown.status_code == 422 and 'id="err-ref"' in unknown.text and "没有这个隐患编号" in unknown.text
    done = console.post("/console/rewards/reverse", data={"csrf_token": token, "ref": hazard.ref.lower(),
                                                          "reason": "经复查为重复举报"})
    assert done.status_code == 303
    points = console_settings.reward_general_points
    assert _entries(session, person.employee_no) == [("award", points), ("reversal", -points)]
    again = console.post("/console/rewards/reverse", data={"csrf_token": token, "ref": hazard.ref,
                                                           "reason": "再撤一次"})
    assert again.status_code == 409 and 'id="problem"' in again.text and "已经撤销过" in again.text
    assert len(_entries(session, person.employee_no)) == 2
    assert "经复查为重复举报" in console.get("/console/rewards").text


def test_a_payout_never_exceeds_the_balance(console: TestClient, session: Session, console_settings: Settings,
                                            signed_in) -> None:
    person = make_person(session)
    make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    session.commit()
    _, token = signed_in(Role.officer)
    points = console_settings.reward_general_points
    base = {"csrf_token": token, "employee_no": person.employee_no, "reason": "超市购物卡 No.88"}
    too_much = console.post("/console/rewards/payout", data={**base, "points": str(points + 1)})
    assert too_much.status_code == 422 and f"现有 {points} 分" in too_much.text
    for value in ("0", "ten", ""):
        bad = console.post("/console/rewards/payout", data={**base, "points": value})
        assert bad.status_code == 422 and 'id="err-points"' in bad.text, value
    nobody = console.post("/console/rewards/payout", data={**base, "employee_no": "NOBODY", "points": "1"})
    assert nobody.status_code == 422 and 'id="err-employee_no"' in nobody.text
    assert console.post("/console/rewards/payout", data={**base, "points": str(points)}).status_code == 303
    assert rewards_service.balance(session, employee_no=person.employee_no) == 0
    assert _entries(session, person.employee_no) == [("award", points), ("payout", -points)]


def test_the_ledger_exports_as_csv_and_xlsx_with_the_filters(console: TestClient, session: Session,
                                                             signed_in) -> None:
    person = make_person(session)
    hazard = make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    make_hazard(session, state=HazardState.confirmed, reporter_employee_no=make_person(session).employee_no)
    session.commit()
    signed_in(Role.officer)
    answer = console.get("/console/rewards/export", params={"format": "csv", "employee_no": person.employee_no})
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["序号", "记账时间", "类型", "工号", "隐患编号", "积分", "原因或说明"] and len(rows) == 2
    assert rows[1][2:5] == ["举报奖励", person.employee_no, hazard.ref]
    answer = console.get("/console/rewards/export", params={"format": "xlsx", "employee_no": person.employee_no,
                                                            "lang": "en"})
    sheet = load_workbook(io.BytesIO(answer.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["No.", "Entered", "Kind"] and values[1][4] == hazard.ref and len(values) == 2
    bad = console.get("/console/rewards/export", params={"format": "pdf"})
    assert bad.status_code == 422 and 'id="err-format"' in bad.text


def test_a_payout_reason_written_as_a_formula_leaves_as_text_beside_a_negative_number(
        console: TestClient, session: Session, signed_in) -> None:
    person = make_person(session)
    make_hazard(session, state=HazardState.confirmed, reporter_employee_no=person.employee_no)
    officer, _ = signed_in(Role.officer)
    rewards_service.payout(session, employee_no=person.employee_no, points=1, reason="@SUM(1+1)*cmd|' /C calc'!A0",
                           actor=officer, now=utc_now())
    session.commit()
    params = {"employee_no": person.employee_no, "kind": "payout"}
    rows = list(csv.reader(io.StringIO(console.get("/console/rewards/export", params={**params, "format": "csv"})
                                       .content.decode("utf-8-sig"))))
    assert rows[1][5:] == ["-1", "'@SUM(1+1)*cmd|' /C calc'!A0"]
    sheet = load_workbook(io.BytesIO(console.get("/console/rewards/export", params={**params, "format": "xlsx"})
                                     .content)).active
    points, reason = sheet.cell(2, 6), sheet.cell(2, 7)
    assert (points.value, points.data_type, reason.data_type) == (-1, "n", "s")
