"""People as the console shows them: by name (and team), not by login name.

Login names stay the values forms send and filters take (the API's ``owner`` is a username);
only what people read changes. The admin's account pages keep showing login names.
"""

from collections.abc import Iterable

from sqlalchemy.orm import object_session
from sqlmodel import Session

from safety_service.people import service as people_service
from safety_service.people.models import User


class Names:
    """Usernames to people's names; a template calls ``names(username)`` or ``names.full(username)``.

    Built for a page's usernames in one query (``of``); given a session, a name not loaded is looked up
    when asked for (``lazy``, every page's default, for the few names a page shows)."""

    def __init__(self, found: dict[str, tuple[str, str | None]], session: Session | None = None) -> None:
        self._found, self._session, self._asked = found, session, set(found)

    def _get(self, username: str) -> tuple[str, str | None] | None:
        if username not in self._asked and self._session is not None:
            self._asked.add(username)
            self._found.update(people_service.names_of(self._session, usernames=[username]))
        return self._found.get(username)

    def __call__(self, username: str | None) -> str:
        """The person's name, else the username (an account with no person), else ""."""
        found = self._get(username) if username else None
        return found[0] if found else username or ""

    def full(self, username: str | None) -> str:
        """The name and team ("杨军 · 综采一队") where a team is known."""
        found = self._get(username) if username else None
        if found is None:
            return username or ""
        return f"{found[0]} · {found[1]}" if found[1] else found[0]


def of(session: Session, usernames: Iterable[str | None]) -> Names:
    """The names of these accounts, in one query."""
    return Names(people_service.names_of(session, usernames=usernames))


def choices(session: Session, users: Iterable[User]) -> list[tuple[str, str]]:
    """A picker's options: (username sent, "name · team" shown), sorted by what is shown."""
    users = list(users)
    found = of(session, (u.username for u in users))
    return sorted(((u.username, found.full(u.username)) for u in users), key=lambda pair: pair[1])


def lazy(user: User | None) -> Names:
    """Names looked up as a page asks for them, on the signed-in account's session."""
    return Names({}, object_session(user) if user is not None else None)  # type: ignore[arg-type]


def who(user: User | None) -> str:
    """The signed-in person's name for the page header (the username when the account has no person)."""
    return lazy(user)(user.username) if user is not None else ""
