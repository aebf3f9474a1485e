"""A case read writes the access log; on SQLite it must not fail because another request wrote meanwhile."""

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from safety_service import database, migrate
from safety_service.clock import utc_now
from safety_service.counselling import queries
from safety_service.counselling.models import CaseAccess
from safety_service.database import make_engine, session_scope
from safety_service.people.models import Role, User
from tests.conftest import make_settings
from tests.counselling.builders import make_case, make_violation
from tests.people.builders import make_user


def test_a_logged_read_survives_a_write_that_committed_after_it_began(tmp_path) -> None:
    engine = make_engine(make_settings(f"sqlite:///{tmp_path / 'reads.db'}"))
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        case_id, user_id = make_case(session).id, make_user(session, role=Role.counsellor).id
    try:
        with Session(engine, expire_on_commit=False) as reader:
            user = _read_while_another_request_writes(engine, reader, user_id)
            with pytest.raises(OperationalError):  # what a plain read session would get: a 503
                queries.log_access(reader, user=user, case_ids=[case_id], what="detail", now=utc_now())
        with Session(engine, expire_on_commit=False) as reader:
            user = _read_while_another_request_writes(engine, reader, user_id)
            database.restart_for_write(reader)
            queries.log_access(reader, user=user, case_ids=[case_id], what="detail", now=utc_now())
            reader.commit()
        with Session(engine) as check:
            assert len(check.exec(select(CaseAccess).where(CaseAccess.case_id == case_id)).all()) == 1
    finally:
        engine.dispose()


def _read_while_another_request_writes(engine: Engine, reader: Session, user_id: int) -> User:
    user = reader.get(User, user_id)  # the sign-in check: a deferred read transaction begins
    with session_scope(engine) as writer:
        make_violation(writer)  # another request writes and commits meanwhile
    return user
