"""QR reports go through the one intake path in batches: ``report_hazards`` plus the photos, one commit."""

import functools
import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service.batching import BatchWriter
from safety_service.config import Settings
from safety_service.hazards import intake as hazards_intake
from safety_service.hazards.schemas import HazardReport
from safety_service.metrics import Metrics
from safety_service.photos import service as photos_service
from safety_service.photos.processing import ProcessedPhoto

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QrSubmission:
    """One submitted report page: the report every channel builds, and its processed photo."""

    report: HazardReport
    photo: ProcessedPhoto | None = None


def apply_submissions(session: Session, items: list[QrSubmission], *,
                      timezone: str) -> list[hazards_intake.Receipt]:
    """Register the reports; a photo is stored only with the hazard its report created (never twice)."""
    receipts = hazards_intake.report_hazards(session, reports=[item.report for item in items], timezone=timezone)
    for item, receipt in zip(items, receipts, strict=True):
        if item.photo is not None and receipt.created and receipt.hazard_id is not None:
            photos_service.add_photo(session, hazard_id=receipt.hazard_id, photo=item.photo)
    return receipts


def make_writer(engine: Engine, settings: Settings,
                metrics: Metrics | None = None) -> BatchWriter[QrSubmission, hazards_intake.Receipt]:
    """The group-commit writer of the QR page (one per process and database file)."""
    apply = functools.partial(apply_submissions, timezone=settings.timezone)
    return BatchWriter(engine, apply, name="qr-page", max_batch=settings.concurrency.report_batch_size,
                       metrics=metrics)
