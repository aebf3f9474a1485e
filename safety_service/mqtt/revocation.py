"""The embedded broker's answer to a kiosk disabled, removed or given a new password while it is connected.

Mosquitto re-checks its connected clients when it reloads its password file (SIGHUP); amqtt checks
credentials only at CONNECT. ``CredentialWatch`` closes that gap: the broker asks it every second
which connected kiosks' passwords no longer open an active kiosk account, and drops those.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from safety_service.kiosks.models import Kiosk
from safety_service.kiosks.service import check_mosquitto_hash


@dataclass
class CredentialWatch:
    """Compares connected kiosks' passwords with the kiosk table (blocking: run it in a thread)."""

    engine: Engine
    # client id -> the hash its password last matched, so an unchanged account costs no PBKDF2 each second
    _verified: dict[str, str] = field(default_factory=dict)

    def revoked(self, connected: Iterable[tuple[str, str, str]]) -> list[str]:
        """The client ids among (client id, username, password) whose account is gone, disabled or rotated."""
        connected = list(connected)
        hashes = self._active_hashes({username for _, username, _ in connected}) if connected else {}
        verified: dict[str, str] = {}
        revoked = []
        for client_id, username, password in connected:
            current = hashes.get(username)
            if current is not None and (self._verified.get(client_id) == current
                                        or check_mosquitto_hash(password, current)):
                verified[client_id] = current
            else:
                revoked.append(client_id)
        self._verified = verified
        return revoked

    def _active_hashes(self, kiosk_ids: set[str]) -> dict[str, str]:
        with Session(self.engine) as session:
            query = select(Kiosk.kiosk_id, Kiosk.password_hash).where(col(Kiosk.kiosk_id).in_(kiosk_ids),
                                                                       col(Kiosk.active))
            return dict(session.exec(query).all())
