"""Domain errors. Services raise these; each boundary maps them to its own answers."""

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None, **details: object) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field
        self.details = details

    @property
    def problems(self) -> list["DomainError"]:
        """Each broken rule when the service checked every one (``problems=[...]``), else this refusal alone."""
        named = self.details.get("problems")
        return named if isinstance(named, list) and named else [self]


class NotFound(DomainError):
    """The thing named does not exist."""


class AlreadyExists(DomainError):
    """A thing with the same unique key is already stored."""


class InvalidInput(DomainError):
    """The input is well-formed but breaks a domain rule (names the field)."""


class NotApplicable(DomainError):
    """The thing cannot be applied as it stands (a dead letter that would be refused again)."""


class InvalidTransition(DomainError):
    """The hazard's state does not allow this action; ``allowed`` names what it does allow."""


class PermissionDenied(DomainError):
    """This person's role may not do this."""


class AuthenticationFailed(DomainError):
    """Wrong credentials, or a missing, expired or forged token."""


def first_match(table: Mapping[type[DomainError], T], error: DomainError, default: T) -> T:
    """The value of the first class in ``table`` the error is an instance of (how each boundary maps
    errors: HTTP statuses in ``api/errors.STATUS``, kiosk ack codes in ``mqtt/intake.ACK_CODES``)."""
    return next((value for kind, value in table.items() if isinstance(error, kind)), default)
