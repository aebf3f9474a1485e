"""The MQTT side inside ``serve``: the embedded broker (by default) and the kiosk intake."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import writer
from safety_service.hazards import library as hazard_library
from safety_service.locations import service as locations_service
from safety_service.mqtt.client import MqttService
from safety_service.rewards import awards

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
    await anyio.to_thread.run_sync(_publish_retained, settings, engine)
    service = MqttService(settings, engine, url=url, metrics=app.state.metrics)
    service.start()
    app.state.mqtt = service
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(service.stop)
        if broker is not None:
            await broker.stop()


RETAINED_AT_START = {"category list": locations_service.ensure_categories_published,
                     "hazard library": hazard_library.ensure_published, "public list of awards": awards.ensure_published}


def _publish_retained(settings: Settings, engine: Engine) -> None:
    """Give the kiosks the category list, the hazard library and the public list of awards when they never had
    the current ones: a write, so it takes the write lock up front (the scheduler and the demo write at start too);
    should it still fail, the intake starts all the same and each goes out with the next change or start."""
    try:
        with Session(writer(engine)) as session:
            for what, ensure in RETAINED_AT_START.items():
                if ensure(session, site=settings.site, now=utc_now()) is not None:
                    logger.info(f"{what} queued for the kiosks", extra={"site": settings.site})
            session.commit()
    except SQLAlchemyError:
        logger.exception("retained messages not queued for the kiosks", extra={"site": settings.site})
