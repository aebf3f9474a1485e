"""The public hazard board: what an area's board shows, and that a hazard's move queues it again."""

import json

from sqlmodel import Session, col, select

from safety_service.board import service as board_service
from safety_service.clock import utc_now
from safety_service.hazards.states import Grade, HazardState
from safety_service.outbox.models import OutboxMessage
from safety_service.protocol.retained import BoardV2 as Board
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_area, make_location


def _latest_board(session: Session, area_code: str) -> Board:
    query = select(OutboxMessage).where(col(OutboxMessage.topic) == f"safety/tianchen/board/{area_code}")
    row = session.exec(query.order_by(col(OutboxMessage.id).desc())).first()
    assert row is not None and row.retain
    return Board.model_validate(json.loads(row.payload))


def test_confirming_a_major_hazard_puts_it_on_its_areas_board(session: Session) -> None:
    area = make_area(session)
    location = make_location(session, area=area, name_zh="3102运输顺槽")
    major = make_hazard(session, state=HazardState.confirmed, grade=Grade.major, location=location,
                        description="顶板离层仪读数超限", reporter_employee_no="20231086")
    make_hazard(session, state=HazardState.confirmed, grade=Grade.general, location=location)
    board = _latest_board(session, area.code)
    assert [(h.ref, h.location, h.state) for h in board.major] == [(major.ref, "3102运输顺槽", "confirmed")]
    assert board.reported == 2 and board.closed == 0 and board.area_name.zh == area.name_zh


def test_reporters_show_only_the_tail_of_their_number(session: Session) -> None:
    area = make_area(session)
    location = make_location(session, area=area)
    make_hazard(session, state=HazardState.confirmed, grade=Grade.major, location=location,
                reporter_employee_no="20231086")
    board = board_service.build(session, site="tianchen", area=area, now=utc_now(), timezone="Asia/Shanghai")
    assert [(r.name, r.employee_no_tail) for r in board.top_reporters] == [(None, "1086")]
    assert board.top_reporters[0].points > 0
    assert "20231086" not in board.model_dump_json()


def test_a_hazard_outside_any_area_queues_no_board(session: Session) -> None:
    hazard = make_hazard(session, state=HazardState.confirmed, grade=Grade.major)
    assert board_service.refresh_for(session, hazard=hazard, now=utc_now(), timezone="Asia/Shanghai") is None
