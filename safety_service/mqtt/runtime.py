"""The MQTT side inside ``serve``: the embedded broker (by default) and the kiosk intake."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from safety_service.board import scheduled as board_scheduled
from safety_service.bulletins import service as bulletins_service
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.counselling import messages as family_messages
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
    await anyio.to_thread.run_sync(publish_retained, settings, engine, broker is not None)
    service = MqttService(settings, engine, url=url, metrics=app.state.metrics)
    service.start()
    app.state.mqtt = service
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(service.stop)
        if broker is not None:
            await broker.stop()


def publish_retained(settings: Settings, engine: Engine, broker_empty: bool) -> None:
    """Give the kiosks the category list, the family messages (亲情寄语), the hazard library and the public list
    of awards when they never had the current ones, and, when the broker starts empty (the embedded one keeps no
    retained message across a restart), those, the bulletins and every area's board again. A write, so it takes
    the write lock up front (the scheduler and the demo write at start too); should it still fail, the intake
    starts all the same and the messages go out with the next change or start."""
    site, now = settings.site, utc_now()
    try:
        with Session(writer(engine)) as session:
            queued = [name for name, row in (
                ("categories", locations_service.ensure_categories_published(
                    session, site=site, now=now, broker_empty=broker_empty)),
                ("family-messages", family_messages.ensure_published(
                    session, site=site, now=now, broker_empty=broker_empty)),
                ("hazard-library", hazard_library.ensure_published(
                    session, site=site, now=now, broker_empty=broker_empty)),
                ("awards", awards.ensure_published(session, site=site, now=now, broker_empty=broker_empty)),
                ("bulletin", bulletins_service.write_retained(session, site=site, now=now) if broker_empty else None),
                ("boards", (board_scheduled.write_all(session, site=site, now=now, timezone=settings.timezone)
                            or None) if broker_empty else None),
            ) if row is not None]
            session.commit()
        if queued:
            logger.info("retained messages queued for the kiosks", extra={"site": site, "topics": queued})
    except SQLAlchemyError:
        logger.exception("retained messages not queued for the kiosks", extra={"site": site})
