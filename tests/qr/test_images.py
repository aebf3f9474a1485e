"""Every printed code decodes back to its URL; sheets carry every chosen location."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlmodel import Session

from safety_service.config import Settings
from safety_service.errors import InvalidInput, NotFound
from safety_service.qr import images, tokens
from safety_service.qr import service as qr_service
from safety_service.qr.service import SheetFormat
from tests.locations.builders import make_location
from tests.qr.decode import decode, decode_pdf, decode_png


def test_one_code_decodes_to_the_location_url(session: Session, settings: Settings) -> None:
    location = make_location(session)
    png = qr_service.location_png(session, settings=settings, code=location.code)
    assert decode_png(png) == [tokens.report_url(settings, location.code)]


def test_a_code_survives_a_dirty_wall() -> None:
    url = "http://localhost:8000/r/PH-1.k0.AbCdEfGhIjKlMnOp"
    image = images.qr_image(url).convert("RGB")
    smudge = Image.new("RGB", (image.width // 5, image.height // 5), (90, 70, 40))
    image.paste(smudge, (image.width // 2, image.height // 2))
    assert decode(image) == [url]


def test_the_pdf_sheet_holds_every_location_on_a4_pages(session: Session, settings: Settings,
                                                         tmp_path: Path) -> None:
    chosen = [make_location(session, name_zh=f"{n}号联络巷").code for n in range(14)]
    pdf = qr_service.sheet(session, settings=settings, codes=chosen, fmt=SheetFormat.pdf)[0]
    assert pdf.startswith(b"%PDF") and b"/MediaBox [ 0 0 595" in pdf  # A4 in points
    pages = decode_pdf(pdf, tmp_path)
    assert [len(p) for p in pages] == [12, 2]
    assert [url for page in pages for url in page] == [tokens.report_url(settings, c) for c in chosen]


def test_the_png_sheet_pages_decode_and_carry_the_chinese_name(session: Session, settings: Settings) -> None:
    chosen = [make_location(session, name_zh="主井井口").code for _ in range(3)]
    pages = qr_service.sheet(session, settings=settings, codes=chosen, fmt=SheetFormat.png)
    assert len(pages) == 1 and decode_png(pages[0]) == [tokens.report_url(settings, c) for c in chosen]
    assert Image.open(io.BytesIO(pages[0])).size == images.A4


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    image = Image.new("L", (80, 80))
    ImageDraw.Draw(image).text((0, 0), char, font=font, fill=255)
    return image.tobytes()


def test_a_label_shows_its_name_drawn_with_a_chinese_font(settings: Settings) -> None:
    font = ImageFont.truetype(images.cjk_font_path(settings.qr_font), 64)
    missing_glyph = _glyph(font, "\U000f0000")  # a private-use code point: the font's "tofu" box
    assert all(_glyph(font, ch) != missing_glyph for ch in "主井井口回风巷绞车房")
    label = images.Label("http://localhost:8000/r/X.k0.AAAAAAAAAAAAAAAA", "主井井口", "X")
    page = images.sheet_pages([label], font_path=images.cjk_font_path(settings.qr_font))[0]
    name_band = page.crop((images.MARGIN + 40, images.MARGIN + 600, images.MARGIN + 780, images.MARGIN + 680))
    assert name_band.getextrema()[0] < 100  # the name is drawn under the code


def test_unknown_codes_and_pages_are_refused(session: Session, settings: Settings) -> None:
    with pytest.raises(NotFound) as caught:
        qr_service.sheet(session, settings=settings, codes=["NO-SUCH"], fmt=SheetFormat.pdf)
    assert caught.value.field == "codes"
    code = make_location(session).code
    with pytest.raises(InvalidInput):
        qr_service.sheet_page(session, settings=settings, codes=[code], page=2)
