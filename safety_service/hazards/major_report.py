"""The printable 重大事故隐患报告 (安监总局令第16号 第十四条): the hazard's state and cause, its harm and how hard
it is to treat, and its treatment plan, filled in from the hazard and its newest plan; with the production stops
and the record of whom it was sent to. Drawn as A4 pages with Pillow and the Chinese font the QR sheets use."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont
from sqlmodel import Session

from safety_service.errors import InvalidInput
from safety_service.hazards import criteria, major_service
from safety_service.hazards.major_models import ANALYSIS, PLAN_ELEMENTS
from safety_service.hazards.models import Hazard
from safety_service.hazards.states import Grade
from safety_service.i18n import Translator
from safety_service.locations.models import Location, Site
from safety_service.qr import images

A4 = images.A4  # 210 × 297 mm at 300 dpi
MARGIN = 210
LINE = 1.5


@dataclass(frozen=True)
class Section:
    """A heading and its paragraphs."""

    heading: str
    lines: tuple[str, ...]


def _when(moment: datetime | None, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M") if moment else "—"


def sections(session: Session, *, hazard: Hazard, t: Translator, timezone: str) -> list[Section]:
    """The report's contents, in order (what the PDF prints, and what the tests read)."""
    if hazard.grade != Grade.major:
        raise InvalidInput("only a major hazard has a 重大事故隐患报告", field="ref")
    record = major_service.record(session, hazard=hazard)
    location, site = session.get(Location, hazard.location_id), session.get(Site, hazard.site_id)
    c = record.criterion
    basis = f"{criteria.reference(c.article, c.item_no)}（{c.category_title}）：{c.text}" if c else "—"
    plan = record.plans[-1] if record.plans else None
    head = Section("", (
        t("major.report.mine", value=site.name_zh if site else ""), t("major.report.ref", value=hazard.ref),
        t("major.report.location", value=f"{location.name_zh}（{location.code}）" if location else ""),
        t("major.report.found", value=_when(hazard.reported_at, timezone)),
        t("major.report.basis", value=basis), t("major.report.description", value=hazard.description)))
    missing = (t("major.report.no_plan"),)
    parts = [head, *(Section(t(f"major.report.{name}"), (getattr(plan, name),) if plan else missing)
                      for name in ANALYSIS)]
    parts.append(Section(t("major.report.plan"), (
        *(f"{n}. {t(f'major.plan.{name}')}：{getattr(plan, name)}" for n, name in enumerate(PLAN_ELEMENTS, start=1)),
        t("major.report.plan_status", status=t(f"major.plan_status.{plan.status}"),
          by=plan.decided_by or "—", at=_when(plan.decided_at, timezone))) if plan else missing))
    parts.append(Section(t("major.report.stops"), tuple(
        t("major.report.stop_line", area=s.area, at=_when(s.stopped_at, timezone), people=s.people_withdrawn,
          by=s.ordered_by, resumed=_when(s.resumed_at, timezone), accepted=s.accepted_by or "—")
        for s in record.stops) or (t("major.report.none"),)))
    parts.append(Section(t("major.report.sent"), tuple(
        t("major.report.sent_line", recipient=t(f"major.recipient.{r.recipient}"), name=r.recipient_name,
          at=_when(r.sent_at, timezone)) for r in record.reports) or (t("major.report.none"),)))
    return parts


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """The text broken into lines that fit the width, character by character (Chinese has no spaces)."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if draw.textlength(line + char, font=font) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def pdf(parts: list[Section], *, title: str, font_path: str) -> bytes:
    """The sections as A4 pages of one PDF, the title on the first."""
    fonts = {size: ImageFont.truetype(font_path, size) for size in (90, 57, 48)}
    pages = [Image.new("L", A4, 255)]
    draw = ImageDraw.Draw(pages[0])
    width = A4[0] - 2 * MARGIN
    draw.text((A4[0] // 2, MARGIN), title, font=fonts[90], fill=0, anchor="mt")
    y = MARGIN + 180
    for part in parts:
        rows = [(part.heading, fonts[57])] if part.heading else []
        rows += [(line, fonts[48]) for text in part.lines for line in _wrap(draw, text, fonts[48], width)]
        for text, font in rows:
            if y + font.size * LINE > A4[1] - MARGIN:
                pages.append(Image.new("L", A4, 255))
                draw, y = ImageDraw.Draw(pages[-1]), MARGIN
            draw.text((MARGIN, y), text, font=font, fill=0)
            y += int(font.size * LINE)
        y += 36
    return images.pdf_bytes(pages)


def report_pdf(session: Session, *, hazard: Hazard, t: Translator, timezone: str, font: str = "") -> bytes:
    """The filled-in report of a major hazard as a PDF."""
    parts = sections(session, hazard=hazard, t=t, timezone=timezone)
    return pdf(parts, title=t("major.report.title"), font_path=images.cjk_font_path(font))
