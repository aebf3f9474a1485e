"""Broker addresses of the form ``mqtt://user:pass@host:port`` (``mqtts://`` for TLS)."""

from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt

PROTOCOLS = {"auto": mqtt.MQTTv5, "5": mqtt.MQTTv5, "3.1.1": mqtt.MQTTv311}
DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}


@dataclass(frozen=True)
class BrokerAddress:
    """Where the broker is and whom to log in as; ``username`` None means anonymous; ``tls`` for ``mqtts://``."""

    host: str
    port: int = 1883
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @classmethod
    def parse(cls, url: str) -> "BrokerAddress":
        """Read ``mqtt[s]://[user[:pass]@]host[:port]``; raise ValueError on anything else."""
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"broker URL must look like mqtt://user:pass@host:port or mqtts://..., got {url!r}")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(f"broker URL takes no path, query or fragment: {url!r}")
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        return cls(parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme], username, password,
                   tls=parts.scheme == "mqtts")

    def with_credentials(self, username: str | None, password: str | None) -> "BrokerAddress":
        """The same broker with other credentials."""
        return replace(self, username=username, password=password)

    def __str__(self) -> str:
        user = f"{self.username}:***@" if self.username else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{self.host}:{self.port}"


def protocol_of(name: str) -> int:
    """The paho protocol constant for ``"5"`` or ``"3.1.1"`` (``"auto"`` starts with 5)."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise ValueError(f"MQTT protocol must be one of {', '.join(PROTOCOLS)}, got {name!r}") from None
