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
}
# What a service's refusal means for the field it names.
_DOMAIN = {
    "deadline": "console.error.deadline_future", "new_deadline": "console.error.deadline_future",
    "owner": "console.error.owner", "duplicate_of": "console.error.duplicate_of",
    "category_code": "console.error.category", "category": "console.error.category",
    "location": "console.error.unknown_code", "area": "console.error.unknown_code",
    "username": "console.error.taken", "code": "console.error.taken", "employee_no": "console.error.taken",
    "name": "console.error.required", "q": "console.error.search",
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


def local_day(value: str, timezone: str, *, end: bool = False) -> str:
    """A date field as the aware start of that local day (or of the next one, for an end date)."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return datetime.combine(day + timedelta(days=1 if end else 0), time(), ZoneInfo(timezone)).isoformat()
