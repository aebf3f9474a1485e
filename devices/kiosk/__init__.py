"""The reference kiosk client: a durable SQLite outbox and an MQTT client that resends until acked."""

from devices.kiosk.client import KioskClient, KioskConfig
from devices.kiosk.outbox import Outbox, OutgoingMessage, Received

__all__ = ["KioskClient", "KioskConfig", "Outbox", "OutgoingMessage", "Received"]
