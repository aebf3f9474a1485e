"""What the outreach pages (bulletins, supervisors, the reward ledger) share: a service call whose refusal
becomes messages beside the fields it names, and the mine's local date."""

from collections.abc import Callable
from datetime import date
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.console import forms
from safety_service.errors import DomainError, InvalidTransition
from safety_service.i18n import Translator
from safety_service.locations.models import Area

T = TypeVar("T")
# Refusal messages by the exception's class, then by the field it names.
Refusals = dict[type[DomainError] | str, str]


def attempt(session: Session, t: Translator, call: Callable[[], T], refusals: Refusals
            ) -> tuple[T | None, dict[str, str], int]:
    """Run a service call; a refusal rolls everything back and becomes (None, messages by field, status)."""
    try:
        return call(), {}, 200
    except DomainError as exc:
        session.rollback()
        if isinstance(exc, InvalidTransition):  # the state refuses the whole action, not one field
            return None, {"form": t(refusals.get(InvalidTransition, "console.error.transition"))}, 409
        key = refusals.get(exc.field or "form")
        return None, ({exc.field or "form": t(key)} if key else forms.domain_error(t, exc)), 422


def local_today(timezone: str) -> date:
    """Today in the mine's time zone."""
    return utc_now().astimezone(ZoneInfo(timezone)).date()


def areas(session: Session) -> list[Area]:
    """The areas, by code, for the pages' choices."""
    return list(session.exec(select(Area).order_by(col(Area.code))).all())


def page_number(raw: str | None) -> int:
    """A list's page number from the query (1 when missing or bad)."""
    return max(1, min(int(raw), 10_000)) if raw and raw.isdigit() else 1

