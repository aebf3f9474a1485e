"""Opening a notification marks it read from a GET; on SQLite that write must not fail because another request
wrote after the page's read began (found by a fuzzing pass: five browsers at once got 503s on /console/inbox/N)."""

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from safety_service import migrate
from safety_service.database import make_engine, session_scope
from safety_service.main import create_app
from safety_service.notifications.models import Notification
from safety_service.people.models import Role
from tests.conftest import make_settings
from tests.console.conftest import sign_in
from tests.people.builders import make_user


def test_opening_a_notification_survives_a_write_that_committed_after_the_page_began(
        tmp_path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'inbox.db'}", public_url="https://testserver")
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        user = make_user(session, role=Role.dispatcher)
        notes = [Notification(user_id=user.id, kind="urgent", data={}) for _ in range(2)]
        session.add_all(notes)
        session.flush()
        note_id, other_id = notes[0].id, notes[1].id
    wrote = []

    def another_write_meanwhile(conn: object, cursor: object, statement: str, *args: object) -> None:
        if not wrote and statement.startswith("SELECT") and "FROM notification" in statement:
            wrote.append(True)  # the page's read has begun; another request marks its own notification read
            with session_scope(engine) as other:
                other.get(Notification, other_id).read_at = other.get(Notification, other_id).created_at

    try:
        with TestClient(create_app(settings, engine, run_scheduler=False, run_mqtt=False),
                        base_url="https://testserver", follow_redirects=False) as console:
            sign_in(console, user)
            event.listen(engine, "before_cursor_execute", another_write_meanwhile)
            opened = console.get(f"/console/inbox/{note_id}")
            assert opened.status_code == 303, opened.text
        with Session(engine) as check:
            assert wrote and check.get(Notification, note_id).read_at is not None
    finally:
        engine.dispose()
