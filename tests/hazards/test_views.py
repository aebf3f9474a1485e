"""The hazard API as officers, owners and miners use it."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards import library, listing
from safety_service.hazards.library import LibraryItemCreate, LibraryItemUpdate
from safety_service.hazards.models import Hazard, HazardEvent
from safety_service.hazards.states import Grade, HazardState
from safety_service.people.models import Person, Role
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area, make_location
from tests.people.builders import auth, make_user

API = "/api/v1/hazards"


@pytest.fixture
def officer_headers(session: Session, settings: Settings) -> dict[str, str]:
    return auth(make_user(session, role=Role.officer), settings)


def _assign_body(owner: str, deadline: datetime | None = None) -> dict:
    return {"owner": owner, "measures": "补打锚杆，加密支护", "funds": "2500.00",
            "deadline": (deadline or utc_now() + timedelta(days=3)).isoformat(), "contingency_plan": "设警戒撤人"}


def _snapshot(session: Session, ref: str) -> tuple:
    session.expire_all()
    hazard = session.exec(select(Hazard).where(Hazard.ref == ref)).one()
    events = session.exec(select(HazardEvent.id).where(HazardEvent.hazard_id == hazard.id)).all()
    return hazard.state, hazard.grade, hazard.owner_id, hazard.version, len(events)


def test_the_whole_closed_loop_over_the_api(client: TestClient, session: Session, settings: Settings) -> None:
    officer, owner = make_user(session, role=Role.officer), make_user(session, role=Role.owner)
    location = make_location(session)
    as_officer, as_owner = auth(officer, settings), auth(owner, settings)

    created = client.post(API, headers=as_officer, json={
        "location_code": location.code, "category_code": "gas", "description": "回风巷瓦斯超限",
        "source": "inspection"})
    assert created.status_code == 201, created.text
    ref = created.json()["ref"]
    assert ref.startswith(f"YH-{datetime.now(UTC).year}-") and created.json()["state"] == "reported"
    assert created.json()["allowed_actions"] == ["confirm", "reject"]

    steps = [
        (as_officer, "confirm", {"grade": "general", "category_code": "gas"}, "confirmed"),
        (as_officer, "assign", _assign_body(owner.username), "rectifying"),
        (as_owner, "rectified", {"note": "已加强通风，浓度恢复正常"}, "awaiting_verification"),
        (as_officer, "verify", {"passed": True, "note": "复查合格，销号"}, "closed"),
    ]
    for headers, action, body, state in steps:
        response = client.post(f"{API}/{ref}/{action}", headers=headers, json=body)
        assert response.status_code == 200, (action, response.text)
        assert response.json()["state"] == state

    detail = client.get(f"{API}/{ref}", headers=as_officer).json()
    assert [e["to_state"] for e in detail["history"]] == [
        "reported", "confirmed", "rectifying", "awaiting_verification", "closed"]
    assert detail["history"][3]["actor"] == owner.username
    assert detail["owner"] == owner.username and detail["verified_by"] == officer.username
    # closed: only reopening after a later check (复查不合格) is left
    assert detail["funds"] == "2500.00" and detail["allowed_actions"] == ["reopen"]


def test_the_same_client_report_id_never_makes_a_second_hazard(client: TestClient, session: Session,
                                                               officer_headers: dict) -> None:
    body = {"location_code": make_location(session).code, "description": "皮带跑偏", "client_report_id":
            "0b4e7a52-5a1b-4c39-9a43-5a4f3f1b7c11"}
    first = client.post(API, headers=officer_headers, json=body)
    second = client.post(API, headers=officer_headers, json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["ref"] == second.json()["ref"]
    assert len(session.exec(select(Hazard).where(Hazard.client_report_id == body["client_report_id"])).all()) == 1


def test_a_transition_the_state_does_not_allow_is_409_naming_the_allowed_ones(
        client: TestClient, session: Session, officer_headers: dict) -> None:
    hazard = make_hazard(session, state=HazardState.reported)
    before = _snapshot(session, hazard.ref)
    response = client.post(f"{API}/{hazard.ref}/verify", headers=officer_headers, json={"passed": True, "note": "x"})
    assert response.status_code == 409
    assert response.json()["allowed"] == ["confirm", "reject"] and response.json()["state"] == "reported"
    assert _snapshot(session, hazard.ref) == before


@pytest.mark.parametrize("role", [Role.miner, Role.supervisor, Role.owner, Role.counsellor, Role.admin])
def test_a_role_that_may_not_act_is_403_and_changes_nothing(client: TestClient, session: Session,
                                                            settings: Settings, role: Role) -> None:
    hazard = make_hazard(session, state=HazardState.reported)
    before = _snapshot(session, hazard.ref)
    response = client.post(f"{API}/{hazard.ref}/confirm", headers=auth(make_user(session, role=role), settings),
                           json={"grade": "major", "category_code": "roof"})
    assert response.status_code == 403
    assert _snapshot(session, hazard.ref) == before


def test_an_owner_who_is_not_assigned_cannot_submit_the_fix(client: TestClient, session: Session,
                                                            settings: Settings) -> None:
    hazard = make_hazard(session, state=HazardState.rectifying)
    other_owner = auth(make_user(session, role=Role.owner), settings)
    response = client.post(f"{API}/{hazard.ref}/rectified", headers=other_owner, json={"note": "done"})
    assert response.status_code == 403 and "assigned" in response.json()["detail"]


def test_an_unknown_hazard_is_404(client: TestClient, officer_headers: dict) -> None:
    assert client.get(f"{API}/YH-2026-999999", headers=officer_headers).status_code == 404
    response = client.post(f"{API}/YH-2026-999999/confirm", headers=officer_headers,
                           json={"grade": "general", "category_code": "roof"})
    assert response.status_code == 404


@pytest.mark.parametrize(("action", "body", "field"), [
    ("confirm", {"grade": "huge", "category_code": "roof"}, "grade"),
    ("confirm", {"grade": "general", "category_code": "no-such"}, "category_code"),
    ("confirm", {"grade": "general"}, "category_code"),
    ("confirm", {"grade": "general", "category_code": "roof", "library_item": 2**64}, "library_item"),
])
def test_bad_confirm_input_is_422_with_the_field(client: TestClient, session: Session, officer_headers: dict,
                                                 action: str, body: dict, field: str) -> None:
    hazard = make_hazard(session, state=HazardState.reported)
    before = _snapshot(session, hazard.ref)
    response = client.post(f"{API}/{hazard.ref}/{action}", headers=officer_headers, json=body)
    assert response.status_code in (404, 422), response.text
    if response.status_code == 422:
        assert ["body", field] == response.json()["detail"][0]["loc"][:2]
    else:
        assert response.json()["field"] == field
    assert _snapshot(session, hazard.ref) == before


@pytest.mark.parametrize(("change", "field"), [
    ({"deadline": "2020-01-01T08:00:00+08:00"}, "deadline"),
    ({"deadline": "2031-01-01T08:00:00"}, "deadline"),
    ({"deadline": "9999-12-31T23:59:59-08:00"}, "deadline"),  # year 10000 in UTC: was a 500
    ({"owner": "nobody-here"}, "owner"),
    ({"funds": "-1"}, "funds"),
    ({"measures": "   "}, "measures"),
])
def test_bad_five_fixes_are_422_with_the_field_and_change_nothing(
        client: TestClient, session: Session, officer_headers: dict, change: dict, field: str) -> None:
    hazard = make_hazard(session, state=HazardState.confirmed)
    owner = make_user(session, role=Role.owner)
    before = _snapshot(session, hazard.ref)
    response = client.post(f"{API}/{hazard.ref}/assign", headers=officer_headers,
                           json={**_assign_body(owner.username), **change})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][:2] == ["body", field]
    assert _snapshot(session, hazard.ref) == before


def test_a_miner_may_not_post_a_finding(client: TestClient, session: Session, settings: Settings) -> None:
    body = {"location_code": make_location(session).code, "description": "x"}
    response = client.post(API, headers=auth(make_user(session, role=Role.miner), settings), json=body)
    assert response.status_code == 403


def test_a_finding_at_an_unknown_location_is_refused_with_the_field(client: TestClient,
                                                                    officer_headers: dict) -> None:
    response = client.post(API, headers=officer_headers, json={"location_code": "NOWHERE", "description": "x"})
    assert response.status_code == 404 and response.json()["field"] == "location_code"


def test_a_finding_keeps_the_library_item_it_matches_and_a_retired_one_is_refused_with_the_field(
        client: TestClient, session: Session, officer_headers: dict, settings: Settings) -> None:
    admin = make_user(session, role=Role.admin)
    item = library.add_item(session, data=LibraryItemCreate(category_code="transport", title="猴车托绳轮缺失（测试）",
                                                            fix_days=2), actor=admin, site=settings.site)
    body = {"location_code": make_location(session).code, "description": "机尾第三组托绳轮缺失",
            "library_item": item.id, "client_report_id": "finding-library-0001"}
    kept = client.post(API, headers=officer_headers, json=body)
    assert kept.status_code == 201, kept.text
    assert (kept.json()["library_item_id"], kept.json()["category"]) == (item.id, "transport")
    library.update_item(session, item_id=item.id, data=LibraryItemUpdate(active=False), actor=admin,
                        site=settings.site)
    count = len(session.exec(select(Hazard)).all())
    refused = client.post(API, headers=officer_headers, json={**body, "client_report_id": "finding-library-0002"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "library_item"], refused.text
    assert len(session.exec(select(Hazard)).all()) == count


def test_a_finding_naming_a_library_item_past_any_row_id_is_refused_with_the_field(
        client: TestClient, session: Session, officer_headers: dict) -> None:
    """A number too large for the id column was a 500 (the randomized schema-test campaign's neighbour)."""
    body = {"location_code": make_location(session).code, "description": "机尾托绳轮缺失", "library_item": 2**64}
    refused = client.post(API, headers=officer_headers, json=body)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "library_item"], refused.text


@pytest.mark.parametrize(("field", "moment"), [("reported_from", "0001-01-01T00:00:00+08:00"),
                                               ("reported_to", "9999-12-31T23:59:59-08:00")])
def test_a_list_from_or_to_the_calendars_end_is_a_422_naming_the_filter(client: TestClient, officer_headers: dict,
                                                                        field: str, moment: str) -> None:
    """Either moment is outside the years UTC can hold once converted (year 0, year 10000): both were 500s."""
    answer = client.get(API, headers=officer_headers, params={field: moment})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", field]


def test_the_list_filters_by_location_state_and_overdue(client: TestClient, session: Session,
                                                        officer_headers: dict) -> None:
    here, there = make_location(session), make_location(session)
    now = utc_now()
    open_here = make_hazard(session, location=here, state=HazardState.reported)
    make_hazard(session, location=here, state=HazardState.closed)
    make_hazard(session, location=there, state=HazardState.reported)
    late = make_hazard(session, location=there, state=HazardState.rectifying, now=now - timedelta(days=5),
                       deadline=now - timedelta(days=1))

    page = client.get(API, headers=officer_headers, params={"location": here.code, "open": "true"}).json()
    assert [h["ref"] for h in page["data"]] == [open_here.ref] and page["count"] == 1
    overdue = client.get(API, headers=officer_headers, params={"overdue": "true", "location": there.code}).json()
    assert [h["ref"] for h in overdue["data"]] == [late.ref] and overdue["data"][0]["overdue"] is True
    by_state = client.get(API, headers=officer_headers,
                          params=[("state", "closed"), ("state", "rectifying"), ("location", there.code)]).json()
    assert [h["ref"] for h in by_state["data"]] == [late.ref]


def test_the_list_filters_by_grade_category_source_reporter_area_owner_and_dates(
        client: TestClient, session: Session, officer_headers: dict) -> None:
    area = make_area(session)
    location = make_location(session, area=area)
    owner = make_user(session, role=Role.owner)
    start = utc_now() - timedelta(days=10)
    major = make_hazard(session, location=location, state=HazardState.rectifying, grade=Grade.major,
                        owner=owner, now=start)
    kiosk = make_hazard(session, location=location, source="kiosk", reporter_employee_no="E-42",
                        category_code="fire")
    checks = [
        ({"grade": "major", "area": area.code}, [major.ref]),
        ({"category": "fire", "area": area.code}, [kiosk.ref]),
        ({"source": "kiosk", "area": area.code}, [kiosk.ref]),
        ({"reporter": "E-42"}, [kiosk.ref]),
        ({"owner": owner.username}, [major.ref]),
        ({"area": area.code, "reported_to": (start + timedelta(days=1)).isoformat()}, [major.ref]),
        ({"area": area.code, "reported_from": (start + timedelta(days=1)).isoformat()}, [kiosk.ref]),
        ({"area": area.code, "sort": "reported_at"}, [major.ref, kiosk.ref]),
        ({"area": area.code}, [kiosk.ref, major.ref]),
    ]
    for params, refs in checks:
        page = client.get(API, headers=officer_headers, params=params)
        assert page.status_code == 200, page.text
        assert [h["ref"] for h in page.json()["data"]] == refs, params


def test_unknown_filter_values_are_422_naming_the_parameter(client: TestClient, officer_headers: dict) -> None:
    for params, field in (({"category": "nope"}, "category"), ({"state": "lost"}, "state"),
                          ({"limit": "0"}, "limit"), ({"sort": "name"}, "sort"),
                          ({"reported_from": "2026-01-01T00:00:00"}, "reported_from")):
        response = client.get(API, headers=officer_headers, params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"][:2] == ["query", field]


def test_paging_and_a_capped_count(client: TestClient, session: Session, officer_headers: dict,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    location = make_location(session)
    refs = [make_hazard(session, location=location, now=utc_now() + timedelta(seconds=i)).ref for i in range(5)]
    page = client.get(API, headers=officer_headers, params={"location": location.code, "limit": 2, "offset": 2})
    assert [h["ref"] for h in page.json()["data"]] == refs[::-1][2:4]
    assert page.json()["count"] == 5 and page.json()["count_capped"] is False
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    capped = client.get(API, headers=officer_headers, params={"location": location.code}).json()
    assert capped["count"] == 3 and capped["count_capped"] is True and capped["count_limit"] == 3


def test_a_text_search_counts_to_its_own_lower_cap(client: TestClient, session: Session, officer_headers: dict,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    location = make_location(session)
    for _ in range(3):
        make_hazard(session, location=location, description="皮带跑偏")
    monkeypatch.setattr(listing, "SEARCH_COUNT_LIMIT", 2)
    searched = client.get(API, headers=officer_headers, params={"location": location.code, "q": "跑偏"}).json()
    assert len(searched["data"]) == 3
    assert (searched["count"], searched["count_capped"], searched["count_limit"]) == (2, True, 2)
    listed = client.get(API, headers=officer_headers, params={"location": location.code}).json()
    assert (listed["count"], listed["count_capped"], listed["count_limit"]) == (3, False, listing.COUNT_LIMIT)


def test_free_text_search_finds_chinese_words_inside_sentences(client: TestClient, session: Session,
                                                               officer_headers: dict) -> None:
    location = make_location(session, name_zh="三采区轨道巷")
    roof = make_hazard(session, location=location, description="工作面顶板出现裂缝，需加强支护")
    gas = make_hazard(session, location=location, description="上隅角瓦斯浓度0.9%，风量不足")

    def found(text: str) -> list[str]:
        response = client.get(API, headers=officer_headers, params={"q": text, "location": location.code})
        assert response.status_code == 200, response.text
        return [h["ref"] for h in response.json()["data"]]

    assert found("顶板裂缝") == []  # the words are not adjacent in the text
    assert found("顶板") == [roof.ref] and found("裂缝") == [roof.ref]
    assert found("瓦斯浓度") == [gas.ref]
    assert found("缝") == [roof.ref]  # one character: any position
    assert found("轨道巷") == [gas.ref, roof.ref]  # the location's name is searchable
    assert found(gas.ref) == [gas.ref]
    assert found("0.9") == [gas.ref]
    response = client.get(API, headers=officer_headers, params={"q": "，。!"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "q"]


def test_each_role_sees_its_part_of_the_register(client: TestClient, session: Session, settings: Settings) -> None:
    owner = make_user(session, role=Role.owner)
    miner = make_user(session, role=Role.miner)
    miner_no = session.get(Person, miner.person_id).employee_no
    location = make_location(session)
    assigned = make_hazard(session, state=HazardState.rectifying, owner=owner, location=location)
    mine = make_hazard(session, reporter_employee_no=miner_no, location=location)
    other = make_hazard(session, location=location)

    def refs(user) -> set[str]:
        response = client.get(API, headers=auth(user, settings), params={"location": location.code})
        return {h["ref"] for h in response.json()["data"]}

    assert refs(make_user(session, role=Role.officer)) == {assigned.ref, mine.ref, other.ref}
    assert refs(owner) == {assigned.ref}
    assert refs(miner) == {mine.ref}
    assert client.get(f"{API}/{other.ref}", headers=auth(miner, settings)).status_code == 404
    miner_view = client.get(f"{API}/{mine.ref}", headers=auth(miner, settings)).json()
    assert miner_view["allowed_actions"] == [] and miner_view["reporter_name"] is None
    assert client.get(API, headers=auth(make_user(session, role=Role.counsellor), settings)).status_code == 403


def test_assigning_notifies_the_owner(client: TestClient, session: Session, settings: Settings,
                                      officer_headers: dict) -> None:
    owner = make_user(session, role=Role.owner)
    hazard = make_hazard(session, state=HazardState.confirmed)
    assert client.post(f"{API}/{hazard.ref}/assign", headers=officer_headers,
                       json=_assign_body(owner.username)).status_code == 200
    inbox = client.get("/api/v1/notifications", headers=auth(owner, settings)).json()
    assert [(n["kind"], n["data"]["ref"]) for n in inbox] == [("assigned", hazard.ref)]
    marked = client.post("/api/v1/notifications/read", headers=auth(owner, settings), json={"ids": [inbox[0]["id"]]})
    assert marked.json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=true", headers=auth(owner, settings)).json() == []


def test_health_openapi_and_docs(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    paths = client.get("/openapi.json").json()["paths"]
    for action in ("confirm", "reject", "assign", "rectified", "verify"):
        assert f"/api/v1/hazards/{{ref}}/{action}" in paths
    assert client.get("/docs").status_code == 200


def test_the_list_refuses_a_disabled_account_a_bad_token_and_a_role_that_may_not_read(
        client: TestClient, session: Session, settings: Settings) -> None:
    officer = make_user(session, role=Role.officer)
    headers = auth(officer, settings)
    assert client.get(API, headers=headers).status_code == 200
    officer.is_active = False
    session.add(officer)
    session.commit()
    assert client.get(API, headers=headers).status_code == 401
    assert client.get(API, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert client.get(API).status_code == 401
    assert client.get(API, params={"limit": "x"}).status_code == 401  # who asks comes before what is asked
    counsellor = make_user(session, role=Role.counsellor)
    assert client.get(API, headers=auth(counsellor, settings)).status_code == 403
