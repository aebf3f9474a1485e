"""The queues' location filter takes a location's name or its code, offers the locations as a list, and a
refused filter never reads as an empty queue."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_location


def test_a_location_is_found_by_its_name_or_its_code(console: TestClient, session: Session, signed_in) -> None:
    shaft = make_location(session, code="PH-1", name_zh="主井井口")
    roadway = make_location(session, code="RW-1302", name_zh="1302 回风巷")
    at_shaft, in_roadway = make_hazard(session, location=shaft), make_hazard(session, location=roadway)
    session.commit()
    signed_in(Role.officer)
    for text in ("主井井口", "PH-1", "主井", " 主井井口 "):
        page = console.get("/console/", params={"queue": "triage", "location": text})
        assert page.status_code == 200, text
        assert at_shaft.ref in page.text and in_roadway.ref not in page.text, text
    page = console.get("/console/", params={"queue": "triage", "location": "回风巷"})
    assert in_roadway.ref in page.text and at_shaft.ref not in page.text
    assert '<datalist id="location-choices">' in page.text and '<option value="PH-1">主井井口</option>' in page.text


def test_a_refused_location_is_not_an_empty_queue(console: TestClient, session: Session, signed_in) -> None:
    make_hazard(session, location=make_location(session, code="PH-1", name_zh="主井井口"))
    session.commit()
    signed_in(Role.officer)
    for params in ({"queue": "triage", "location": "副井井口"}, {"queue": "triage", "location": "副井", "partial": "1"}):
        page = console.get("/console/", params=params)
        assert page.status_code == 422
        assert 'id="refused"' in page.text and "未查询" in page.text
        assert 'id="empty"' not in page.text and "这里没有待处理的隐患" not in page.text and 'id="count"' not in page.text
