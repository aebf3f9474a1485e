"""The MQTT side inside ``serve``: the embedded broker (by default) and the kiosk intake."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from safety_service.config import Settings
from safety_service.mqtt.service import MqttService

logger = logging.getLogger(__name__)


@asynccontextmanager
async def running(app: FastAPI, settings: Settings, engine: Engine, *, enabled: bool) -> AsyncIterator[None]:
    """Run the broker (when embedded) and the intake for the app's lifetime; shown on app.state.mqtt."""
    app.state.mqtt = None
    if not enabled:
        yield
        return
    broker = None
    url = None
    if settings.mqtt_url == "embedded":
        from safety_service.mqtt.broker import EmbeddedBroker

        broker = EmbeddedBroker(settings, engine, host=settings.mqtt_embedded_host)
        await broker.start()
        url = broker.service_url
    service = MqttService(settings, engine, url=url)
    service.start()
    app.state.mqtt = service
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(service.stop)
        if broker is not None:
            await broker.stop()
