"""The history tables refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE from any connection, on both databases."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.counselling import queries as counselling_queries
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from tests.counselling.builders import make_case
from tests.hazards.builders import make_hazard
from tests.people.builders import make_person, make_user

HISTORY = ("hazard_event", "counselling_case_event", "reward_entry", "counselling_access_log")
# A plausible "fix" for each: rewrite what happened, or make a row go away.
EDITS = {
    "hazard_event": "UPDATE hazard_event SET note = '已整改', actor_id = NULL WHERE id = :id",
    "counselling_case_event": "UPDATE counselling_case_event SET note = NULL WHERE id = :id",
    "reward_entry": "UPDATE reward_entry SET points = points * 10 WHERE id = :id",
    "counselling_access_log": "UPDATE counselling_access_log SET at = at WHERE id = :id",
}


def _fill(session: Session) -> None:
    """A row in every history table, written by the service functions."""
    person = make_person(session)
    make_hazard(session, state=HazardState.closed, reporter_employee_no=person.employee_no)
    case = make_case(session)
    counselling_queries.log_access(session, user=make_user(session, role=Role.counsellor), case_ids=[case.id],
                                   what="case", now=utc_now())


def _refused(session: Session, statement: str, **values: object) -> None:
    with pytest.raises(IntegrityError, match="append-only"), session.begin_nested():
        session.execute(text(statement), values)


@pytest.mark.parametrize("table", HISTORY)
def test_history_rows_cannot_be_rewritten_nor_deleted(session: Session, table: str) -> None:
    _fill(session)
    newest = session.execute(text(f"SELECT max(id) FROM {table}")).scalar_one()
    _refused(session, EDITS[table], id=newest)
    _refused(session, f"DELETE FROM {table} WHERE id = :id", id=newest)
    _refused(session, f"DELETE FROM {table}")
    if session.get_bind().dialect.name == "postgresql":  # SQLite has no TRUNCATE
        _refused(session, f"TRUNCATE {table}")
        _refused(session, "TRUNCATE hazard CASCADE")
    assert session.execute(text(f"SELECT count(*) FROM {table} WHERE id = :id"), {"id": newest}).scalar_one() == 1
