"""The console inbox: the bell's list of one's notifications, opened one by one or marked read all at once."""

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from safety_service import database
from safety_service.api.deps import PathId, SessionDep
from safety_service.console.deps import ConsoleRoute, ConsoleUser, Csrf
from safety_service.console.detail import FormDep
from safety_service.console.rendering import render
from safety_service.database import saved_id
from safety_service.errors import InvalidInput
from safety_service.notifications import configure, preferences
from safety_service.notifications import service as notifications_service
from safety_service.notifications.models import Notification
from safety_service.people.models import User

router = APIRouter(route_class=ConsoleRoute)
LISTED = 100
PREFERENCE_CHANNELS = ("inbox", "email")


def _locked(user: User) -> frozenset[str]:
    """The events this person may not turn off (urgent ones, for dispatchers and chiefs)."""
    return preferences.URGENT_EVENTS if user.role in preferences.URGENT_LOCKED_ROLES else frozenset()


def _page(request: Request, session: Session, user: User, *, status: int = 200, refused: bool = False) -> Response:
    rows = notifications_service.list_for_user(session, user=user, limit=LISTED)
    muted = {(m["channel"], m["event"]) for m in preferences.muted(session, user=user)}
    return render(request, "inbox.html", status=status, user=user, rows=rows, events=configure.EVENTS,
                  channels=PREFERENCE_CHANNELS, muted=muted, locked=_locked(user), refused=refused)


@router.get("/inbox")
def inbox_page(request: Request, session: SessionDep, user: ConsoleUser) -> Response:
    """The newest notifications, unread first marked, each with its link; and one's preferences."""
    return _page(request, session, user)


@router.post("/inbox/preferences", dependencies=[Csrf])
def save_preferences(request: Request, session: SessionDep, user: ConsoleUser, form: FormDep) -> Response:
    """Which channel reaches one for which event: a ticked box is on (urgent stays on where it must)."""
    ticked, locked = set(form.getlist("on")), _locked(user)
    try:
        for channel in PREFERENCE_CHANNELS:
            for event in configure.EVENTS:
                preferences.set_preference(session, user=user, channel=channel, event=event,
                                           enabled=event in locked or f"{channel}:{event}" in ticked)
    except InvalidInput:
        session.rollback()
        return _page(request, session, user, status=422, refused=True)
    session.commit()
    return RedirectResponse("/console/inbox", status_code=303)


@router.get("/inbox/{notification_id}")
def open_notification(session: SessionDep, user: ConsoleUser, notification_id: PathId) -> Response:
    """Mark the notification read and go to what it is about (the hazard, else the inbox)."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        return RedirectResponse("/console/inbox", status_code=303)
    database.restart_for_write(session)  # a GET's read transaction cannot upgrade after another write (SQLite)
    notifications_service.mark_read(session, user=user, ids=[saved_id(row)])
    session.commit()
    ref = (row.data or {}).get("ref")
    return RedirectResponse(f"/console/hazards/{ref}" if ref else "/console/inbox", status_code=303)


@router.post("/inbox/read-all", dependencies=[Csrf])
def read_all(session: SessionDep, user: ConsoleUser) -> Response:
    """Mark every notification read."""
    notifications_service.mark_read(session, user=user, ids=None)
    session.commit()
    return RedirectResponse("/console/inbox", status_code=303)
