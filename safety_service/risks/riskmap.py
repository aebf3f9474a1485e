"""The four-colour risk map (四色安全风险空间分布图) as an SVG schematic: no GIS, a grid admins arrange.

Each risk point is a cell coloured by its highest level (红 major, 橙 significant, 黄 general, 蓝 low),
with a marker counting the open hazards at it (named on the hazard or at one of its locations); a major
point with an open hazard is outlined thick. Points not yet placed fill the free cells in order.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from safety_service.hazards.models import Hazard
from safety_service.risks.models import RiskPointLocation
from safety_service.risks.rating import COLOURS, ORDER, RiskLevel
from safety_service.risks.schemas import RiskPointPublic

CELL_W, CELL_H, GAP, MARGIN, COLUMNS = 180, 96, 12, 24, 6
TITLE_H, LEGEND_H = 48, 56
TEXT_ON = {RiskLevel.major: "#ffffff", RiskLevel.significant: "#1a1a1a", RiskLevel.general: "#1a1a1a",
           RiskLevel.low: "#ffffff"}


@dataclass(frozen=True)
class Cell:
    point: RiskPointPublic
    x: int
    y: int
    open_hazards: int

    @property
    def flagged(self) -> bool:
        """A major risk point with an open hazard (shown to the chief)."""
        return self.point.level == RiskLevel.major and self.open_hazards > 0


def open_hazards(session: Session, *, point_ids: list[int]) -> dict[int, int]:
    """Open hazards per risk point: those naming it, and those at one of its locations."""
    found: dict[int, int] = {}
    for point_id in point_ids:
        places = select(RiskPointLocation.location_id).where(RiskPointLocation.risk_point_id == point_id)
        query = select(func.count(col(Hazard.id))).where(col(Hazard.is_open), or_(
            col(Hazard.risk_point_id) == point_id, col(Hazard.location_id).in_(places)))
        found[point_id] = session.exec(query).one()
    return found


def layout(points: list[RiskPointPublic], counts: dict[int, int]) -> list[Cell]:
    """Every point in a cell: its own place, else the next free cell."""
    taken = {(p.map_x, p.map_y) for p in points if p.map_x is not None and p.map_y is not None}
    free = ((x, y) for y in range(40) for x in range(COLUMNS) if (x, y) not in taken)
    cells = []
    for point in sorted(points, key=lambda p: (p.area_code or "", p.code)):
        x, y = (point.map_x, point.map_y) if point.map_x is not None and point.map_y is not None else next(free)
        cells.append(Cell(point, x, y, counts.get(point.id, 0)))
    return cells


def svg(cells: list[Cell], *, title: str, legend: dict[RiskLevel, str], hazards_label: str) -> str:
    """The map as a standalone SVG document (presentation attributes only: no inline style for the CSP)."""
    columns = max([c.x for c in cells] + [COLUMNS - 1]) + 1
    rows = max([c.y for c in cells] + [0]) + 1
    width = MARGIN * 2 + columns * (CELL_W + GAP) - GAP
    height = TITLE_H + rows * (CELL_H + GAP) + LEGEND_H + MARGIN
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" role="img" '
             f'aria-label="{escape(title)}">'),
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             f'<text x="{MARGIN}" y="32" font-size="22" font-weight="bold" fill="#1a1a1a">{escape(title)}</text>']
    parts += [_cell(cell, hazards_label) for cell in cells]
    parts.append(_legend(legend, MARGIN, TITLE_H + rows * (CELL_H + GAP) + 16))
    parts.append("</svg>")
    return "".join(parts)


def _cell(cell: Cell, hazards_label: str) -> str:
    left, top = MARGIN + cell.x * (CELL_W + GAP), TITLE_H + cell.y * (CELL_H + GAP)
    point, ink = cell.point, TEXT_ON[cell.point.level]
    stroke = ('stroke="#000000" stroke-width="5"' if cell.flagged else 'stroke="#555555" stroke-width="1"')
    out = [f'<g class="risk-point" data-code="{escape(point.code)}" data-level="{point.level}">',
           (f'<rect x="{left}" y="{top}" width="{CELL_W}" height="{CELL_H}" rx="6" fill="{COLOURS[point.level]}" '
           f'{stroke}/>'),
           (f'<text x="{left + 10}" y="{top + 26}" font-size="16" font-weight="bold" fill="{ink}">'
           f'{escape(point.name[:11])}</text>'),
           (f'<text x="{left + 10}" y="{top + 48}" font-size="12" fill="{ink}">{escape(point.code)}'
           f'{" · " + escape(point.area_code) if point.area_code else ""}</text>')]
    if cell.open_hazards:
        cx, cy = left + CELL_W - 22, top + CELL_H - 22
        out += [f'<circle cx="{cx}" cy="{cy}" r="15" fill="#000000" stroke="#ffffff" stroke-width="2"/>',
                (f'<text x="{cx}" y="{cy + 5}" font-size="14" font-weight="bold" text-anchor="middle" '
                f'fill="#ffffff">{cell.open_hazards}</text>'),
                (f'<text x="{left + 10}" y="{top + CELL_H - 14}" font-size="12" fill="{ink}">'
                f'{escape(hazards_label)}</text>')]
    out.append("</g>")
    return "".join(out)


def _legend(legend: dict[RiskLevel, str], left: int, top: int) -> str:
    out = []
    for index, level in enumerate(ORDER):
        x = left + index * 170
        out.append(f'<rect x="{x}" y="{top}" width="28" height="20" fill="{COLOURS[level]}" stroke="#555555"/>'
                   f'<text x="{x + 36}" y="{top + 15}" font-size="14" fill="#1a1a1a">{escape(legend[level])}</text>')
    return "".join(out)
