"""What the outreach pages (bulletins, supervisors, the reward ledger) share: a service call whose refusal
becomes messages beside the fields it names, and the mine's local date."""

from collections.abc import Callable
from datetime import date
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.console import forms
from safety_service.errors import DomainError, InvalidTransition
from safety_service.i18n import Translator
from safety_service.validation import whole_number

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


def page_number(raw: str | None) -> int:
    """A list's page number from the query (1 when missing, bad or past the 10,000th)."""
    return max(1, whole_number(raw, high=10_000) or 1)

