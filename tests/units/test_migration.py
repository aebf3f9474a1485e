"""Migration h18units carries existing data forward: team names become units under the mine, people
join theirs, and hazards already assigned take their owner's unit."""

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from safety_service import migrate
from safety_service.config import Settings
from tests.conftest import database_at


@pytest.fixture
def before_units(settings: Settings, tmp_path) -> Iterator[Engine]:
    """A fresh database of the current backend at the revision before the units."""
    with database_at(settings, tmp_path, "0010") as engine:
        yield engine


def _insert(connection, sql: str, **values) -> None:
    connection.execute(text(sql), values)


def test_teams_become_units_and_hazards_take_their_owners_unit(before_units: Engine) -> None:
    with before_units.begin() as c:
        _insert(c, "INSERT INTO site (id, code, name_zh, name_en) VALUES (1, 'tianchen', '田陈煤矿', '')")
        _insert(c, "INSERT INTO location (id, code, name_zh, name_en, kind, site_id, active, created_at) "
                   "VALUES (1, 'PH-1', '主井井口', '', 'pithead', 1, true, '2026-01-01 00:00:00')")
        for pid, no, team in ((1, '4001', '综采一队'), (2, '4002', '机电科'), (3, '1001', None)):
            _insert(c, "INSERT INTO person (id, employee_no, name, team, created_at) "
                       "VALUES (:id, :no, '某', :team, '2026-01-01 00:00:00')", id=pid, no=no, team=team)
        _insert(c, "INSERT INTO user_account (id, username, role, hashed_password, is_active, token_version, "
                   "person_id, created_at) VALUES (1, 'owner1', 'owner', 'x', true, 0, 1, '2026-01-01 00:00:00')")
        for hid, owner in ((1, 1), (2, None)):
            _insert(c, "INSERT INTO hazard (id, ref, tracking_code, site_id, location_id, description, source, "
                       "state, is_open, reported_at, updated_at, owner_id, escalation_level, search_text, version) "
                       "VALUES (:id, :ref, :code, 1, 1, '顶板裂缝', 'qr', 'rectifying', true, "
                       "'2026-01-01 00:00:00', '2026-01-01 00:00:00', :owner, 0, '', 1)",
                    id=hid, ref=f"YH-2026-00000{hid}", code=f"CODE{hid}", owner=owner)
    migrate.upgrade(before_units)
    with before_units.connect() as c:
        units = {name: (kind, parent) for name, kind, parent in c.execute(text(
            "SELECT u.name_zh, u.kind, p.code FROM org_unit u LEFT JOIN org_unit p ON p.id = u.parent_id"))}
        people = dict(c.execute(text("SELECT p.employee_no, u.name_zh FROM person p "
                                     "LEFT JOIN org_unit u ON u.id = p.unit_id")).all())
        hazards = dict(c.execute(text("SELECT h.id, u.name_zh FROM hazard h "
                                      "LEFT JOIN org_unit u ON u.id = h.unit_id")).all())
    assert units == {"田陈煤矿": ("mine", None), "综采一队": ("team", "MINE"), "机电科": ("team", "MINE")}
    assert people == {"4001": "综采一队", "4002": "机电科", "1001": None}
    assert hazards == {1: "综采一队", 2: None}
