"""What every payload shares: the base models (a kiosk's text holds no NUL), the code pattern, zh/en text."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KioskPayload(Payload):
    """What a kiosk sends: no text in it may hold NUL (0x00), which is never part of a report and
    which PostgreSQL cannot store. (What the service sends may quote such text back in an error.)"""

    @field_validator("*")
    @classmethod
    def _without_nul(cls, value: object) -> object:
        if _holds_nul(value):
            raise ValueError("must not contain NUL (0x00) characters")
        return value


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False


class Localized(Payload):
    zh: str = Field(min_length=1)
    en: str | None = None
