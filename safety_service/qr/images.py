"""QR code images and printable A4 label sheets (PDF or PNG), drawn with qrcode and Pillow."""

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_H

logger = logging.getLogger(__name__)

DPI = 300
A4 = (2480, 3508)  # 210 × 297 mm at 300 dpi
MARGIN = 118  # 10 mm
COLUMNS, ROWS = 3, 4
LABELS_PER_PAGE = COLUMNS * ROWS
QR_SIDE = 560  # about 47 mm: scans from an arm's length on a dirty wall
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


class FontMissing(RuntimeError):
    """No font that has Chinese characters is installed."""


@dataclass(frozen=True)
class Label:
    """One label of a sheet: the code's URL and the text under it."""

    url: str
    name: str
    code: str


def qr_image(url: str, *, side: int = QR_SIDE) -> Image.Image:
    """The QR code of a URL with high error correction (30% may be dirty), about ``side`` pixels wide."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_H, box_size=1, border=4)
    code.add_data(url)
    code.make(fit=True)
    modules = code.make_image(fill_color="black", back_color="white").get_image().convert("L")
    scale = max(1, side // modules.width)
    return modules.resize((modules.width * scale, modules.height * scale), Image.Resampling.NEAREST)


def qr_png(url: str, *, side: int = 800) -> bytes:
    """One QR code as a PNG file."""
    buffer = io.BytesIO()
    qr_image(url, side=side).save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


@lru_cache
def cjk_font_path(configured: str = "") -> str:
    """A font file with Chinese glyphs: the configured one, else the first installed candidate."""
    for candidate in ((configured,) if configured else ()) + FONT_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return candidate
    raise FontMissing("no Chinese font found: install Debian's fonts-wqy-microhei (make services does) "
                      "or set SAFETY_QR_FONT to a .ttf/.ttc/.otf file with Chinese glyphs")


def _fitting_font(draw: ImageDraw.ImageDraw, text: str, font_path: str, size: int,
                  width: int) -> ImageFont.FreeTypeFont:
    while size > 18:
        font = ImageFont.truetype(font_path, size)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 4
    return ImageFont.truetype(font_path, size)


def _draw_label(page: Image.Image, label: Label, box: tuple[int, int, int, int], font_path: str) -> None:
    left, top, right, _bottom = box
    draw = ImageDraw.Draw(page)
    draw.rectangle(box, outline=200, width=2)  # the cutting line
    code = qr_image(label.url)
    page.paste(code, (left + (right - left - code.width) // 2, top + 30))
    width, centre = right - left - 40, (left + right) // 2
    name = " ".join(label.name.split())  # one line: a line break in a name stored before names were checked
    name_font = _fitting_font(draw, name, font_path, 64, width)
    draw.text((centre, top + 60 + code.height), name, font=name_font, fill=0, anchor="mt")
    code_font = _fitting_font(draw, label.code, font_path, 44, width)
    draw.text((centre, top + 150 + code.height), label.code, font=code_font, fill=60, anchor="mt")


def sheet_pages(labels: Sequence[Label], *, font_path: str) -> list[Image.Image]:
    """A4 pages of labels, three across and four down, each a code with the location's name and code."""
    cell_w, cell_h = (A4[0] - 2 * MARGIN) // COLUMNS, (A4[1] - 2 * MARGIN) // ROWS
    pages: list[Image.Image] = []
    for index, label in enumerate(labels):
        if index % LABELS_PER_PAGE == 0:
            pages.append(Image.new("L", A4, 255))
        row, column = divmod(index % LABELS_PER_PAGE, COLUMNS)
        left, top = MARGIN + column * cell_w, MARGIN + row * cell_h
        _draw_label(pages[-1], label, (left, top, left + cell_w, top + cell_h), font_path)
    return pages


def pdf_bytes(pages: Sequence[Image.Image]) -> bytes:
    """The pages as one A4 PDF at 300 dpi."""
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", resolution=DPI, save_all=True, append_images=list(pages[1:]))
    return buffer.getvalue()


def png_bytes(page: Image.Image) -> bytes:
    """One page as a PNG at 300 dpi."""
    buffer = io.BytesIO()
    page.save(buffer, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()
