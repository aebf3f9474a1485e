"""Migration h16sweep carries the kiosks' escalation notices forward: what each kiosk was told, of which
hazard at which level, is still known, so a level it heard of before the upgrade is not told again."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service import migrate
from safety_service.config import Settings
from safety_service.feedback.area import tell_area_kiosks
from safety_service.hazards.effects import Escalated
from tests.conftest import database_at

AT = "2026-01-01 00:00:00"


@pytest.fixture
def before_area_notices(settings: Settings, tmp_path) -> Iterator[Engine]:
    """A fresh database of the current backend at the revision before the shared area notices."""
    with database_at(settings, tmp_path, "u18criteria") as engine:
        yield engine


def _insert(connection, sql: str, **values) -> None:
    connection.execute(text(sql), values)


def _fill(c) -> dict[int, int]:
    """One area with two kiosks; kiosk 1 was told of hazard 1 at level 2 and hazard 2 at level 1 (one
    notice), kiosk 2 of hazard 1 at level 1. Returns each kiosk's notice id (the database numbers them)."""
    _insert(c, "INSERT INTO site (id, code, name_zh, name_en) VALUES (1, 'tianchen', '田陈煤矿', '')")
    _insert(c, "INSERT INTO area (id, code, name_zh, name_en, site_id) VALUES (1, 'D3', '三采区', '', 1)")
    _insert(c, "INSERT INTO location (id, code, name_zh, name_en, kind, site_id, area_id, active, created_at) "
               "VALUES (1, 'PH-1', '主井井口', '', 'pithead', 1, 1, true, :at)", at=AT)
    for kid in (1, 2):
        _insert(c, "INSERT INTO kiosk (id, kiosk_id, site_id, location_id, password_hash, active, created_at, status) "
                   "VALUES (:id, :name, 1, 1, '-', true, :at, 'offline')", id=kid, name=f"kiosk-{kid}", at=AT)
    for hid in (1, 2):
        _insert(c, "INSERT INTO hazard (id, ref, tracking_code, site_id, location_id, description, source, "
                   "state, is_open, reported_at, updated_at, escalation_level, search_text, version) "
                   "VALUES (:id, :ref, :code, 1, 1, '顶板裂缝', 'qr', 'rectifying', true, :at, :at, 2, '', 1)",
                id=hid, ref=f"YH-2026-00000{hid}", code=f"CODE{hid}", at=AT)
    for kiosk in (1, 2):
        _insert(c, "INSERT INTO kiosk_notice (kiosk_id, kind, created_at) VALUES (:kiosk, 'area_escalation', :at)",
                kiosk=kiosk, at=AT)
    notices = {kiosk: nid for nid, kiosk in c.execute(text("SELECT id, kiosk_id FROM kiosk_notice"))}
    for kiosk, hazard, level in ((1, 1, 2), (1, 2, 1), (2, 1, 1)):
        _insert(c, "INSERT INTO kiosk_notice_hazard (notice_id, kiosk_id, hazard_id, level) "
                   "VALUES (:notice, :kiosk, :hazard, :level)", notice=notices[kiosk], kiosk=kiosk, hazard=hazard,
                level=level)
    return notices


def test_what_each_kiosk_was_told_carries_forward(before_area_notices: Engine) -> None:
    with before_area_notices.begin() as c:
        notices = _fill(c)
    migrate.upgrade(before_area_notices)
    with before_area_notices.connect() as c:
        told = set(c.execute(text("SELECT n.id, n.kiosk_id, h.hazard_id, h.level FROM kiosk_notice n "
                                  "JOIN area_notice_hazard h ON h.area_notice_id = n.area_notice_id")).all())
    assert told == {(notices[1], 1, 1, 2), (notices[1], 1, 2, 1), (notices[2], 2, 1, 1)}
    step = Escalated(hazard_id=1, ref="YH-2026-000001", location_id=1, level=2, description="顶板裂缝")
    with Session(before_area_notices) as session:  # level 2 of hazard 1: kiosk 1 knows it, kiosk 2 does not
        assert tell_area_kiosks(session, escalated=[step], now=datetime(2026, 2, 1, tzinfo=UTC)) == 1
        [(kiosk, shared)] = session.execute(text("SELECT kiosk_id, area_notice_id FROM kiosk_notice "
                                                 "WHERE id NOT IN (:a, :b)"), {"a": notices[1], "b": notices[2]}).all()
        session.commit()
    assert kiosk == 2 and shared > max(notices.values())  # a new list, numbered after the carried ones


def test_downgrade_gives_each_kiosk_its_rows_back(before_area_notices: Engine) -> None:
    with before_area_notices.begin() as c:
        notices = _fill(c)
    migrate.upgrade(before_area_notices)
    migrate.downgrade(before_area_notices, "u18criteria")
    with before_area_notices.connect() as c:
        rows = set(c.execute(text("SELECT notice_id, kiosk_id, hazard_id, level FROM kiosk_notice_hazard")).all())
    assert rows == {(notices[1], 1, 1, 2), (notices[1], 1, 2, 1), (notices[2], 2, 1, 1)}
