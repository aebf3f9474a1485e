"""board/2: an area's board carries its risk points (the four-colour map at the kiosk, the report's choice), and
the boards job queues a board again only when what it shows changed."""

import json

from sqlmodel import Session, col, select

from safety_service.board import scheduled as board_scheduled
from safety_service.board import service as board_service
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.hazards.states import HazardState
from safety_service.outbox.models import OutboxMessage
from safety_service.protocol.retained import BoardV2
from safety_service.risks import service as risks_service
from safety_service.risks.schemas import RiskCreate
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area, make_location
from tests.risks.builders import make_risk_point


def _queued(session: Session, area_code: str) -> list[BoardV2]:
    query = select(OutboxMessage).where(col(OutboxMessage.topic) == f"safety/tianchen/board/{area_code}")
    return [BoardV2.model_validate(json.loads(row.payload)) for row in session.exec(query.order_by(col(OutboxMessage.id)))]


def test_the_board_lists_the_areas_risk_points_major_first_and_flags_one_with_an_open_hazard(session: Session) -> None:
    area = make_area(session)
    face, belt = make_location(session, area=area), make_location(session, area=area)
    low = make_risk_point(session, location=belt, likelihood=1, severity=3, name="皮带运输大巷")
    major = make_risk_point(session, location=face, likelihood=5, severity=5, name="3102综采工作面")
    make_risk_point(session, location=make_location(session, area=make_area(session)), name="别处")
    make_hazard(session, state=HazardState.confirmed, location=face)
    board = board_service.build(session, site="tianchen", area=area, now=utc_now(), timezone="Asia/Shanghai")
    assert board.schema_ == "board/2"
    assert [(p.code, p.level, p.locations, p.open_hazards, p.flagged) for p in board.risk_points] == [
        (major.code, "major", [face.code], 1, True), (low.code, "low", [belt.code], 0, False)]


def test_the_job_queues_a_board_when_a_risk_point_changes_and_not_otherwise(session: Session,
                                                                           settings: Settings) -> None:
    area = make_area(session)
    location = make_location(session, area=area)
    point = make_risk_point(session, location=location, likelihood=1, severity=3)
    board_scheduled.refresh_boards(session, now=utc_now(), settings=settings)
    first = _queued(session, area.code)
    assert [p.level for p in first[-1].risk_points] == ["low"]
    board_scheduled.refresh_boards(session, now=utc_now(), settings=settings)
    assert len(_queued(session, area.code)) == len(first)  # nothing changed: nothing queued
    risks_service.add_risk(session, point=point, data=RiskCreate(
        hazard_source="采空区积水", accident_type="透水", consequence="人员伤亡", likelihood=4, severity=5, controls=[]))
    board_scheduled.refresh_boards(session, now=utc_now(), settings=settings)
    after = _queued(session, area.code)
    assert len(after) == len(first) + 1 and [p.level for p in after[-1].risk_points] == ["major"]
