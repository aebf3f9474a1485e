"""The major hazard API: the standard's situations, the 422 naming the situation, the steps with their roles,
the record, and the printable report."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards import major_report
from safety_service.hazards.states import Grade, HazardState
from safety_service.i18n import Translator
from safety_service.people.models import Role
from tests.hazards.builders import PLAN, a_criterion, make_hazard
from tests.people.builders import auth, make_user

API = "/api/v1"


def test_the_standard_is_seeded_in_its_fifteen_categories(client: TestClient, session: Session,
                                                          settings: Settings) -> None:
    items = client.get(f"{API}/major-criteria", headers=auth(make_user(session, role=Role.officer), settings)).json()
    seeded = [i for i in items if i["code"][0].isdigit()]
    assert sorted({i["category_no"] for i in seeded}) == list(range(1, 16))
    first = next(i for i in seeded if i["code"] == "4.1")
    assert first["reference"] == "第四条第（一）项" and first["category_title"] == "超能力、超强度或者超定员组织生产"
    assert next(i for i in seeded if i["code"] == "14.1")["text"] == "单回路供电的"
    assert client.get(f"{API}/major-criteria").status_code == 401


def test_confirming_major_without_a_situation_is_422_naming_it(client: TestClient, session: Session,
                                                               settings: Settings) -> None:
    hazard = make_hazard(session)
    headers = auth(make_user(session, role=Role.officer), settings)
    refused = client.post(f"{API}/hazards/{hazard.ref}/confirm", headers=headers,
                          json={"grade": "major", "category_code": "gas"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "major_criterion"]
    done = client.post(f"{API}/hazards/{hazard.ref}/confirm", headers=headers, json={
        "grade": "major", "category_code": "gas", "major_criterion": a_criterion(session, "5.2")})
    assert done.status_code == 200 and "submit_plan" in done.json()["allowed_actions"]
    record = client.get(f"{API}/hazards/{hazard.ref}/major", headers=headers).json()
    assert record["criterion"]["code"] == "5.2" and record["plans"] == []


def test_the_plan_steps_over_the_api_with_their_roles(client: TestClient, session: Session,
                                                      settings: Settings) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=HazardState.rectifying, grade=Grade.major, owner=owner, plan=False)
    officer = auth(make_user(session, role=Role.officer), settings)
    rectified = client.post(f"{API}/hazards/{hazard.ref}/rectified", headers=auth(owner, settings),
                            json={"note": "已整改"})
    assert rectified.status_code == 403
    body = PLAN.model_dump()
    missing = client.post(f"{API}/hazards/{hazard.ref}/submit_plan", headers=auth(owner, settings),
                          json={**body, "funds_and_materials": " "})
    assert missing.status_code == 422
    assert client.post(f"{API}/hazards/{hazard.ref}/submit_plan", headers=auth(owner, settings),
                       json=body).status_code == 200
    assert client.post(f"{API}/hazards/{hazard.ref}/decide_plan", headers=officer,
                       json={"approved": True}).status_code == 403
    chief = auth(make_user(session, role=Role.chief), settings)
    answer = client.post(f"{API}/hazards/{hazard.ref}/decide_plan", headers=chief, json={"approved": True})
    assert answer.status_code == 200 and [e["action"] for e in answer.json()["history"]][-2:] == [
        "submit_plan", "decide_plan"]
    assert client.post(f"{API}/hazards/{hazard.ref}/rectified", headers=auth(owner, settings),
                       json={"note": "已整改"}).status_code == 200


def test_stop_report_and_listing_over_the_api(client: TestClient, session: Session, settings: Settings) -> None:
    hazard = make_hazard(session, state=HazardState.awaiting_verification, grade=Grade.major)
    dispatcher = auth(make_user(session, role=Role.dispatcher), settings)
    officer = auth(make_user(session, role=Role.officer), settings)
    chief = auth(make_user(session, role=Role.chief), settings)
    past = (utc_now() - timedelta(hours=3)).isoformat()
    assert client.post(f"{API}/hazards/{hazard.ref}/stop_production", headers=dispatcher, json={
        "area": "3102运输顺槽", "stopped_at": past, "people_withdrawn": 23, "ordered_by": "调度室主任 王建国",
    }).status_code == 200
    future = client.post(f"{API}/hazards/{hazard.ref}/send_report", headers=officer, json={
        "recipient": "regulator", "recipient_name": "市能源局", "sent_at": (utc_now() + timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and future.json()["detail"][0]["loc"] == ["body", "sent_at"]
    for recipient, name in (("regulator", "枣庄市能源局"), ("workers_congress", "矿第十二届职工代表大会")):
        assert client.post(f"{API}/hazards/{hazard.ref}/send_report", headers=officer, json={
            "recipient": recipient, "recipient_name": name, "sent_at": past}).status_code == 200
    assert client.post(f"{API}/hazards/{hazard.ref}/list_supervision", headers=officer, json={
        "order_no": "枣能源督〔2026〕17号", "authority": "枣庄市能源局", "listed_at": past}).status_code == 200
    closing = client.post(f"{API}/hazards/{hazard.ref}/verify", headers=chief, json={"passed": True, "note": "合格"})
    assert closing.status_code == 403
    assert client.post(f"{API}/hazards/{hazard.ref}/resume_production", headers=chief, json={
        "resumed_at": past, "accepted_by": "矿长 赵志强"}).status_code == 200
    assert client.post(f"{API}/hazards/{hazard.ref}/accept_supervision", headers=officer, json={
        "accepted_at": past, "accepted_by": "枣庄市能源局验收组", "delisted_at": past}).status_code == 200
    closed = client.post(f"{API}/hazards/{hazard.ref}/verify", headers=chief, json={"passed": True, "note": "合格"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    record = client.get(f"{API}/hazards/{hazard.ref}/major", headers=officer).json()
    assert [r["recipient"] for r in record["reports"]] == ["regulator", "workers_congress"]
    assert record["supervision"]["order_no"] == "枣能源督〔2026〕17号" and record["stops"][0]["people_withdrawn"] == 23


def test_the_report_carries_what_article_14_requires(client: TestClient, session: Session,
                                                     settings: Settings) -> None:
    hazard = make_hazard(session, state=HazardState.rectifying, grade=Grade.major)
    parts = major_report.sections(session, hazard=hazard, t=Translator("zh-CN"), timezone="Asia/Shanghai")
    headings = [p.heading for p in parts]
    assert headings[1:4] == ["一、隐患的现状及其产生原因", "二、隐患的危害程度和整改难易程度分析", "三、隐患的治理方案"]
    assert parts[1].lines == (PLAN.situation_and_cause,) and "判定依据：煤矿重大事故隐患判定标准第八条第（一）项" in parts[0].lines[4]
    assert any("6. 安全措施和应急预案" in line for line in parts[3].lines)
    pdf = client.get(f"{API}/hazards/{hazard.ref}/major-report.pdf",
                     headers=auth(make_user(session, role=Role.officer), settings))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    general = make_hazard(session, state=HazardState.rectifying)
    assert client.get(f"{API}/hazards/{general.ref}/major-report.pdf",
                      headers=auth(make_user(session, role=Role.officer), settings)).status_code == 422
    assert client.get(f"{API}/hazards/{hazard.ref}/major-report.pdf",
                      headers=auth(make_user(session, role=Role.owner), settings)).status_code == 403
