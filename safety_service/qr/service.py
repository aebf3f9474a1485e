"""QR codes and label sheets for locations: what the CLI and the admin API hand out."""

import logging
from enum import StrEnum

from sqlmodel import Session, col, select

from safety_service.config import Settings
from safety_service.errors import InvalidInput, NotFound
from safety_service.locations import service as locations_service
from safety_service.locations.models import Location
from safety_service.qr import images, tokens

logger = logging.getLogger(__name__)


class SheetFormat(StrEnum):
    pdf = "pdf"
    png = "png"


def location_png(session: Session, *, settings: Settings, code: str) -> bytes:
    """The QR code PNG of one active location."""
    location = locations_service.get_location(session, code=code, field="code")
    return images.qr_png(tokens.report_url(settings, location.code))


def labels(session: Session, *, settings: Settings, codes: list[str] | None = None) -> list[images.Label]:
    """Labels for the chosen locations in the given order, or for every active location by code."""
    if codes:
        chosen = [locations_service.get_location(session, code=code, field="codes") for code in codes]
    else:
        chosen = list(session.exec(select(Location).where(col(Location.active)).order_by(col(Location.code))).all())
    if not chosen:
        raise NotFound("there are no active locations to print", field="codes")
    return [images.Label(tokens.report_url(settings, loc.code), loc.name_zh, loc.code) for loc in chosen]


def sheet(session: Session, *, settings: Settings, codes: list[str] | None, fmt: SheetFormat) -> list[bytes]:
    """A label sheet: one PDF with every page, or one PNG per A4 page."""
    pages = images.sheet_pages(labels(session, settings=settings, codes=codes),
                               font_path=images.cjk_font_path(settings.qr_font))
    logger.info("label sheet drawn", extra={"pages": len(pages), "format": str(fmt)})
    if fmt == SheetFormat.pdf:
        return [images.pdf_bytes(pages)]
    return [images.png_bytes(page) for page in pages]


def sheet_page(session: Session, *, settings: Settings, codes: list[str] | None, page: int) -> bytes:
    """One A4 page of a label sheet as a PNG (pages count from 1)."""
    found = labels(session, settings=settings, codes=codes)
    count = -(-len(found) // images.LABELS_PER_PAGE)
    if not 1 <= page <= count:
        raise InvalidInput(f"page must be between 1 and {count}", field="page")
    chunk = found[(page - 1) * images.LABELS_PER_PAGE:page * images.LABELS_PER_PAGE]
    return images.png_bytes(images.sheet_pages(chunk, font_path=images.cjk_font_path(settings.qr_font))[0])
