"""Reading console forms into the service's input models, with a catalogue message per bad field."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, QueryParams

from safety_service.errors import DomainError
from safety_service.i18n import Translator

# Pydantic's error types, by the catalogue message that explains them.
_MESSAGES = {
    "missing": "console.error.required", "string_too_short": "console.error.required",
    "value_error": "console.error.required", "string_too_long": "console.error.too_long",
    "greater_than_equal": "console.error.not_negative", "decimal_parsing": "console.error.number",
    "decimal_max_digits": "console.error.number", "decimal_max_places": "console.error.number",
    "datetime_parsing": "console.error.datetime", "datetime_from_date_parsing": "console.error.datetime",
    "enum": "console.error.choice", "literal_error": "console.error.choice", "bool_parsing": "console.error.choice",
    "calendar": "console.error.calendar",
}
# What a service's refusal means for the field it names.
_DOMAIN = {
    "deadline": "console.error.deadline_future", "new_deadline": "console.error.deadline_future",
    "owner": "console.error.owner", "duplicate_of": "console.error.duplicate_of",
    "category_code": "console.error.category", "category": "console.error.category",
    "library_item": "console.error.library_item", "major_criterion": "console.error.major_criterion",
    **dict.fromkeys(("stopped_at", "resumed_at", "sent_at", "listed_at", "accepted_at", "delisted_at"),
                    "console.error.major_time"),
    "note": "console.error.note_needed",
    "location": "console.error.unknown_location", "area": "console.error.unknown_code",
    "area_code": "console.error.unknown_code", "location_code": "console.error.unknown_code",
    "title": "console.error.taken", "level": "console.error.choice",
    "username": "console.error.taken", "code": "console.error.taken", "employee_no": "console.error.taken",
    "name": "console.error.required", "q": "console.error.search",
    "parent_code": "console.unit.error.parent", "leader": "console.unit.error.leader",
}


def fields(form: FormData | QueryParams, names: tuple[str, ...]) -> dict[str, str]:
    """The named fields as stripped text (absent ones empty)."""
    values = {}
    for name in names:
        value = form.get(name)
        values[name] = value.strip() if isinstance(value, str) else ""
    return values


def validation_errors(t: Translator, exc: ValidationError) -> dict[str, str]:
    """One translated message per field a model refused."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "form"
        errors.setdefault(name, t(_MESSAGES.get(error["type"], "console.error.invalid")))
    return errors


def domain_error(t: Translator, exc: DomainError, messages: dict[str, str] | None = None) -> dict[str, str]:
    """The message for a service's refusal, beside the field it names (``messages`` overrides per field)."""
    name = exc.field or "form"
    return {name: t((messages or {}).get(name) or _DOMAIN.get(name, "console.error.invalid"))}


def with_rules(t: Translator, errors: dict[str, str], problems: list[DomainError],
               messages: dict[str, str] | None = None) -> dict[str, str]:
    """The format errors and, beside them, each service rule a typed value breaks (a field's format error
    first): a form names every error at once, not the service's refusals only once the format is right."""
    found: dict[str, str] = {}
    for problem in problems:
        found.update(domain_error(t, problem, messages))
    return {**found, **errors}


def day(text: str) -> date | None:
    """A date from ISO text; None for bad or blank text (its format error is the model's to name)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def ends_before(start: str, end: str, *, inclusive: bool = False) -> bool:
    """Whether the typed end comes before the typed start (or at it, when ``inclusive``); False while either
    is not a date or time: a model checks its period only once every other field is right."""
    try:
        first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
        return last <= first if inclusive else last < first
    except (TypeError, ValueError):
        return False


def build(model: type[BaseModel], values: dict[str, Any], t: Translator) -> tuple[Any, dict[str, str]]:
    """The model from the typed values (blank means absent), or the errors by field."""
    present = {name: value for name, value in values.items() if value not in ("", None)}
    try:
        return model.model_validate(present), {}
    except ValidationError as exc:
        return None, validation_errors(t, exc)


def local_datetime(value: str, timezone: str) -> str:
    """A ``datetime-local`` field (the mine's local time) as an aware ISO datetime; bad text is left to fail."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.replace(tzinfo=ZoneInfo(timezone)).isoformat() if moment.tzinfo is None else value


def aware_datetime(text: str) -> datetime | None:
    """An aware datetime from ISO text (as ``local_datetime`` gives it); None for bad or naive text."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def local_day(value: str, timezone: str, *, end: bool = False) -> str:
    """A date field as the aware start of that local day (or of the next one, for an end date)."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return datetime.combine(day + timedelta(days=1 if end else 0), time(), ZoneInfo(timezone)).isoformat()
