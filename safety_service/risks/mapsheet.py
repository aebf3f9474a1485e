"""The four-colour map (四色安全风险空间分布图) as a printable A3 landscape PDF, drawn with Pillow like the QR
label sheets (no new dependency): the same cells as the console's SVG, scaled to fill the sheet, with the
legend, the flagged major points and the date it was printed (安委办〔2016〕11号: the map is posted)."""

import io
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from sqlmodel import Session

from safety_service.risks import queries, riskmap
from safety_service.risks.rating import COLOURS, ORDER, RiskLevel
from safety_service.risks.riskmap import COLUMNS, TEXT_ON, Cell

DPI = 200
A3_LANDSCAPE = (3307, 2339)  # 420 × 297 mm at 200 dpi
MARGIN, GAP, TITLE_H, FOOT_H = 110, 24, 150, 190


@dataclass(frozen=True)
class Words:
    """The sheet's words in the reader's language."""

    title: str
    subtitle: str  # e.g. the mine and the date printed
    legend: dict[RiskLevel, str]
    open_hazards: str  # with {n}, filled here
    flagged: str


def pdf(cells: list[Cell], *, words: Words, font_path: str) -> bytes:
    """One A3 landscape page at 200 dpi holding every cell."""
    buffer = io.BytesIO()
    page(cells, words=words, font_path=font_path).save(buffer, format="PDF", resolution=DPI)
    return buffer.getvalue()


def page(cells: list[Cell], *, words: Words, font_path: str) -> Image.Image:
    """The sheet as an image: the cells scaled to fill it, the title above, the legend below."""
    sheet_image = Image.new("RGB", A3_LANDSCAPE, "white")
    draw = ImageDraw.Draw(sheet_image)
    draw.text((MARGIN, 40), words.title, fill="#1a1a1a", font=_font(font_path, 72))
    draw.text((MARGIN, 125), words.subtitle, fill="#555555", font=_font(font_path, 34))
    columns = max([c.x for c in cells] + [COLUMNS - 1]) + 1
    rows = max([c.y for c in cells] + [0]) + 1
    width = (A3_LANDSCAPE[0] - 2 * MARGIN - (columns - 1) * GAP) // columns
    height = min(width * 3 // 5, (A3_LANDSCAPE[1] - TITLE_H - FOOT_H - MARGIN - (rows - 1) * GAP) // rows)
    for cell in cells:
        _cell(draw, cell, (MARGIN + cell.x * (width + GAP), TITLE_H + 40 + cell.y * (height + GAP), width, height),
              words, font_path)
    _legend(draw, words, font_path)
    return sheet_image


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    # The basic layout: names are typed by people, and raqm refuses some strings (a 500 for the whole sheet).
    return ImageFont.truetype(path, max(size, 10), layout_engine=ImageFont.Layout.BASIC)


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF)


def _cell(draw: ImageDraw.ImageDraw, cell: Cell, box: tuple[int, int, int, int], words: Words,
          font_path: str) -> None:
    left, top, width, height = box
    point, ink = cell.point, TEXT_ON[cell.point.level]
    outline, line = ("#000000", 12) if cell.flagged else ("#555555", 2)
    draw.rounded_rectangle((left, top, left + width, top + height), radius=14, fill=COLOURS[point.level],
                           outline=outline, width=line)
    size = max(min(height // 5, 46), 14)
    name = _fit(draw, _printable(point.name), _font(font_path, size), width - 40)
    draw.text((left + 20, top + 16), name, fill=ink, font=_font(font_path, size))
    small = _font(font_path, max(size * 2 // 3, 12))
    place = _printable(point.code + (f" · {point.area_code}" if point.area_code else ""))
    draw.text((left + 20, top + 26 + size), place, fill=ink, font=small)
    draw.text((left + 20, top + 36 + size * 2), words.legend[point.level], fill=ink, font=small)
    if cell.open_hazards:
        note = words.open_hazards.format(n=cell.open_hazards)  # a flagged point's thick outline is in the legend
        draw.text((left + 20, top + height - size - 10), _fit(draw, note, small, width - 40), fill=ink, font=small)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """The text cut with an ellipsis to fit the width."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _legend(draw: ImageDraw.ImageDraw, words: Words, font_path: str) -> None:
    top, font = A3_LANDSCAPE[1] - FOOT_H + 40, _font(font_path, 40)
    for index, level in enumerate(ORDER):
        x = MARGIN + index * 560
        draw.rectangle((x, top, x + 80, top + 50), fill=COLOURS[level], outline="#555555", width=2)
        draw.text((x + 100, top + 2), words.legend[level], fill="#1a1a1a", font=font)
    x = MARGIN + len(ORDER) * 560
    draw.rounded_rectangle((x, top, x + 80, top + 50), radius=6, fill="#ffffff", outline="#000000", width=10)
    draw.text((x + 100, top + 2), words.flagged, fill="#1a1a1a", font=font)


def sheet(session: Session, *, t: Callable[..., str], font_path: str, printed: str, unit: str | None = None) -> bytes:
    """The whole mine's map (or a unit's points) as the A3 PDF, in the language of ``t`` (a catalogue look-up)."""
    return pdf(cells_of(session, unit=unit), words=words_of(t, printed), font_path=font_path)


def cells_of(session: Session, *, unit: str | None = None) -> list[Cell]:
    """Every active risk point (in a unit's charge, when one is given) in its cell, with its open hazards."""
    points = queries.risk_points(session, unit=unit)
    return riskmap.layout(points, riskmap.open_hazards(session, point_ids=[p.id for p in points]))


def words_of(t: Callable[..., str], printed: str) -> Words:
    return Words(title=t("risks.map.title"), subtitle=t("risks.map.printed", date=printed),
                  legend={level: t(f"risks.level.{level}") for level in ORDER},
                  open_hazards=t("risks.map.open_count"), flagged=t("risks.map.flagged"))
