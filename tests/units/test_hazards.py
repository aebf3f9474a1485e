"""The five fixes name the responsible unit (责任单位); unit leaders see their unit's hazards; the list
is cut by unit."""

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.errors import InvalidInput, NotFound
from safety_service.hazards import listing as hazards_listing
from safety_service.hazards import queries as hazards_queries
from safety_service.hazards import service as hazards_service
from safety_service.hazards.schemas import HazardAssign, HazardFilters, StepLimits
from safety_service.hazards.states import HazardState
from safety_service.locations.models import Area, Location
from safety_service.people.models import Role
from safety_service.units.models import UnitKind
from tests.hazards.builders import make_hazard
from tests.people.builders import auth, make_user
from tests.plans import assert_reads_hazards_from_indexes, hazard_statements_sent
from tests.units.builders import join, make_cut, make_unit


def _assign(session: Session, owner_name: str, unit: str | None):
    hazard = make_hazard(session, state=HazardState.confirmed)
    officer = make_user(session, role=Role.officer)
    data = HazardAssign(owner=owner_name, unit=unit, measures="补打锚杆", funds=Decimal(100),
                        deadline=utc_now() + timedelta(days=3), contingency_plan="设警戒")
    event = hazards_service.assign(session, hazard=hazard, data=data, actor=officer)
    return hazard, event


def test_the_fix_takes_the_owners_unit_when_none_is_named(session: Session) -> None:
    team = make_unit(session)
    owner = join(session, make_user(session, role=Role.owner), team)
    hazard, event = _assign(session, owner.username, None)
    assert hazard.unit_id == team.id and event.data["unit"] == team.code


def test_the_named_unit_must_hold_the_owner(session: Session) -> None:
    team, other = make_unit(session), make_unit(session, name_zh="机电科")
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    owner = join(session, make_user(session, role=Role.owner), crew)
    hazard, _ = _assign(session, owner.username, team.code)  # a crew's member answers within the team
    assert hazard.unit_id == team.id
    with pytest.raises(InvalidInput) as refused:
        _assign(session, owner.username, other.code)
    assert refused.value.field == "owner"
    with pytest.raises(NotFound) as missing:
        _assign(session, owner.username, "NO-SUCH-UNIT")
    assert missing.value.field == "unit"


def test_a_unit_leader_may_be_named_for_the_unit_they_lead(session: Session) -> None:
    leader = make_user(session, role=Role.owner)
    team = make_unit(session, leader=leader)
    hazard, _ = _assign(session, leader.username, team.code)
    assert hazard.unit_id == team.id


def _visible_refs(session: Session, user, **filters) -> set[str]:
    page = hazards_listing.list_hazards(session, filters=HazardFilters(**filters), user=user, now=utc_now(),
                                        limits=StepLimits.of(Settings.model_construct()))
    return {row["ref"] for row in page["data"]}


def test_a_unit_leader_sees_the_hazards_of_the_unit_and_its_crews(session: Session) -> None:
    leader = make_user(session, role=Role.owner)
    team = make_unit(session, leader=leader)
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    elsewhere = make_unit(session, name_zh="运输队")
    in_team = make_hazard(session, state=HazardState.rectifying,
                          owner=join(session, make_user(session, role=Role.owner), crew))
    outside = make_hazard(session, state=HazardState.rectifying,
                          owner=join(session, make_user(session, role=Role.owner), elsewhere))
    seen = _visible_refs(session, leader)
    assert in_team.ref in seen and outside.ref not in seen
    assert hazards_queries.get_visible(session, ref=in_team.ref, user=leader).id == in_team.id
    with pytest.raises(NotFound):
        hazards_queries.get_visible(session, ref=outside.ref, user=leader)


def test_the_list_is_cut_by_unit_with_the_units_under_it(session: Session) -> None:
    team = make_unit(session)
    crew = make_unit(session, kind=UnitKind.crew, parent=team)
    other = make_unit(session)
    in_crew = make_hazard(session, state=HazardState.rectifying,
                          owner=join(session, make_user(session, role=Role.owner), crew))
    in_other = make_hazard(session, state=HazardState.rectifying,
                           owner=join(session, make_user(session, role=Role.owner), other))
    officer = make_user(session, role=Role.officer)
    assert in_crew.ref in _visible_refs(session, officer, unit=team.code)
    assert in_other.ref not in _visible_refs(session, officer, unit=team.code)
    assert _visible_refs(session, officer, unit=other.code) == {in_other.ref}
    with pytest.raises(InvalidInput) as unknown:
        hazards_listing.list_hazards(session, filters=HazardFilters(unit="NOPE"), user=officer, now=utc_now(),
                                     limits=StepLimits.of(Settings.model_construct()))
    assert unknown.value.field == "unit"


def test_the_api_assigns_with_a_unit_and_filters_by_it(client: TestClient, session: Session,
                                                        settings: Settings) -> None:
    team = make_unit(session)
    owner = join(session, make_user(session, role=Role.owner), team)
    hazard = make_hazard(session, state=HazardState.confirmed)
    officer = auth(make_user(session, role=Role.officer), settings)
    body = {"owner": owner.username, "unit": team.code, "measures": "加固", "funds": "0",
            "deadline": (utc_now() + timedelta(days=2)).isoformat(), "contingency_plan": "撤人"}
    assert client.post(f"/api/v1/hazards/{hazard.ref}/assign", json=body, headers=officer).status_code == 200
    detail = client.get(f"/api/v1/hazards/{hazard.ref}", headers=officer).json()
    assert (detail["unit"], detail["unit_name"]) == (team.code, team.name_zh)
    listed = client.get("/api/v1/hazards", params={"unit": team.code}, headers=officer).json()
    assert [row["ref"] for row in listed["data"]] == [hazard.ref]
    unknown = client.get("/api/v1/hazards", params={"unit": "NOPE"}, headers=officer)
    assert unknown.status_code in (404, 422) and "unit" in unknown.text


def _statements_of_list(session: Session, user, monkeypatch: pytest.MonkeyPatch,
                        *filters: dict) -> list[tuple[str, object]]:
    """The statements reading hazards that the list sent to the driver for this user, with their values (the
    list as it is and open only, or with each of these filters)."""
    def lists() -> None:
        for given in filters or ({}, {"open": True}):
            _visible_refs(session, user, **given)

    return hazard_statements_sent(monkeypatch, lists)


@pytest.mark.parametrize("leads", [True, False], ids=["leader", "no unit"])
def test_an_owners_list_reads_hazards_from_indexes_only(session: Session, monkeypatch: pytest.MonkeyPatch,
                                                        leads: bool) -> None:
    """Owned, reported or of a led unit: each arm from its index, never the whole table (PostgreSQL ran the led
    units' sub-select under the OR as a SubPlan against every hazard: about 200 ms on a million)."""
    owner = make_user(session, role=Role.owner)
    if leads:
        team = make_unit(session, leader=owner)
        make_unit(session, kind=UnitKind.crew, parent=team)
    for _ in range(3):
        make_hazard(session, state=HazardState.rectifying, owner=owner)
        make_hazard(session)
    assert_reads_hazards_from_indexes(session.connection(), _statements_of_list(session, owner, monkeypatch))


@pytest.mark.parametrize("places", [True, False], ids=["places", "no places"])
def test_the_list_cut_by_unit_reads_hazards_from_indexes_only(session: Session, monkeypatch: pytest.MonkeyPatch,
                                                              places: bool) -> None:
    """A unit's hazards (assigned to it or a unit under it, or unassigned at a place in their charge) from the
    unit's and the places' indexes (PostgreSQL ran the cut's sub-selects as SubPlans against every hazard: 1 s on a
    million for a unit with none); an unknown unit is still named."""
    cut = make_cut(session)
    if not places:  # no place in any unit's charge: the cut reads the units' index alone
        for location in session.exec(select(Location)).all():
            location.unit_id = None
            session.add(location)
        for area in session.exec(select(Area)).all():
            area.unit_id = None
            session.add(area)
        session.flush()
    officer = make_user(session, role=Role.officer)
    filters = ({"unit": cut.team.code}, {"unit": cut.team.code, "open": True}, {"unit": cut.crew.code})
    assert_reads_hazards_from_indexes(session.connection(), _statements_of_list(session, officer, monkeypatch, *filters))
    expected = cut.refs("fixed", "placed") if places else cut.refs("fixed")
    assert _visible_refs(session, officer, unit=cut.team.code) == expected
    with pytest.raises(InvalidInput) as unknown:
        _visible_refs(session, officer, unit="NO-SUCH-UNIT")
    assert unknown.value.field == "unit"


@pytest.mark.parametrize("code", ["x' OR '1'='1", "U1,U2", "%", "U\x00", "字" * 5000, "", " "])
def test_a_hostile_unit_code_is_a_clear_error_or_nothing(client: TestClient, session: Session, settings: Settings,
                                                          code: str) -> None:
    """What the list names in its statement comes from the register, never from the request: a code is only ever a
    parameter, so a quote, a list or a wildcard names no unit (422 naming ``unit``), and nothing answers 500."""
    make_cut(session)
    officer = auth(make_user(session, role=Role.officer), settings)
    answer = client.get("/api/v1/hazards", params={"unit": code}, headers=officer)
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 422:
        assert "unit" in answer.text
    else:  # an empty code is no cut at all
        assert code.strip() == ""


def test_an_owner_sees_only_what_the_units_they_lead_answer_for(client: TestClient, session: Session,
                                                                 settings: Settings) -> None:
    """The owner's units are read from the register for their own account: another unit's hazards stay out of their
    list and their hazard pages, whatever the request names."""
    cut = make_cut(session)
    leader = make_user(session, role=Role.owner)
    cut.team.leader_id = leader.id
    session.add(cut.team)
    session.flush()
    headers = auth(leader, settings)
    listed = {row["ref"] for row in client.get("/api/v1/hazards", params={"limit": 100}, headers=headers).json()["data"]}
    assert cut.refs("fixed") <= listed and not listed & cut.refs("area", "over_area", "closed", "nowhere")
    for name in ("area", "closed"):
        assert client.get(f"/api/v1/hazards/{cut.hazards[name].ref}", headers=headers).status_code == 404
