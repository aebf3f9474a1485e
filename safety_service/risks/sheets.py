"""The 风险辨识评估清单 as mines keep it in Excel: one row per control measure, export and import.

Columns repeat the risk point and the risk on each of its control rows; a risk without controls has
one row with the control columns blank. The score and level columns are written for the reader and
recomputed on import from L and S (the matrix is the service's, not the sheet's).
"""

import io
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError
from sqlmodel import Session, select

from safety_service.errors import InvalidInput
from safety_service.risks import queries, service
from safety_service.risks.models import RiskPoint
from safety_service.risks.rating import ControlKind, RiskLevel
from safety_service.risks.schemas import ControlPublic, ImportResult, RiskPointCreate, RiskPointPublic

SHEET = "风险辨识评估清单"
COLUMNS = ("序号", "风险点编号", "风险点名称", "类型", "区域", "地点", "危险源", "可能导致的事故类型", "后果",
           "可能性L", "严重性S", "风险值R", "风险等级", "管控措施类别", "管控措施", "责任单位", "责任人")
LEVELS = {RiskLevel.major: "重大", RiskLevel.significant: "较大", RiskLevel.general: "一般", RiskLevel.low: "低"}
KINDS = {ControlKind.engineering: "工程技术", ControlKind.management: "管理", ControlKind.training: "培训教育",
         ControlKind.protection: "个体防护", ControlKind.emergency: "应急处置"}
POINT_KINDS = {"place": "场所", "activity": "作业活动"}
MAX_ROWS = 5000
FORMULA_STARTS = ("=", "+", "-", "@")


def _legal(value: Any) -> Any:
    """Text without the control characters a worksheet cannot hold (openpyxl refuses the cell)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def export_sheet(points: list[RiskPointPublic]) -> bytes:
    """The register as an XLSX workbook of one sheet."""
    book = Workbook()
    page = book.active
    if not isinstance(page, Worksheet):  # a new workbook's one sheet is a worksheet
        raise TypeError("a new workbook without its worksheet")
    page.title = SHEET
    page.append(COLUMNS)
    for cell in page[1]:
        cell.font = Font(bold=True)
    page.freeze_panes = "A2"
    for number, row in enumerate(_rows(points), start=1):
        page.append([number, *(_legal(value) for value in row)])
        for cell in page[page.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # text, never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(points: list[RiskPointPublic]) -> Iterator[list[Any]]:
    for point in points:
        head = [point.code, point.name, POINT_KINDS.get(point.kind, point.kind), point.area_code or "",
                "、".join(point.location_codes)]
        for risk in point.risks:
            rated = [risk.hazard_source, risk.accident_type, risk.consequence, risk.likelihood, risk.severity,
                     risk.score, LEVELS[risk.level]]
            controls: list[ControlPublic | None] = [*risk.controls] or [None]
            for control in controls:
                tail = [KINDS[control.kind], control.measure, control.unit, control.person] if control else [""] * 4
                yield [*head, *rated, *tail]
        if not point.risks:
            yield [*head, *[""] * 11]


def import_sheet(session: Session, *, content: bytes) -> ImportResult:
    """Load a 风险辨识评估清单: new risk points are added, known ones get the sheet's identification."""
    points = read_sheet(content)
    result = ImportResult(created=[], replaced=[])
    for data in points:
        known = session.exec(select(RiskPoint).where(RiskPoint.code == data.code)).first()
        if known is None:
            service.add_risk_point(session, data=data)
            result.created.append(data.code)
            continue
        service.replace_risks(session, point=known)
        known.name, known.kind = data.name, data.kind
        known.area_id = service.area_id(session, data.area_code)
        service.place(session, known, data.location_codes)
        for risk in data.risks:
            service.add_risk(session, point=known, data=risk)
        result.replaced.append(data.code)
    return result


def read_sheet(content: bytes) -> list[RiskPointCreate]:
    """The risk points of a workbook; a bad row is InvalidInput naming the row and column."""
    try:
        page = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput("not an XLSX workbook", field="file") from exc
    rows = page.iter_rows(values_only=True)
    header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
    missing = [title for title in COLUMNS[1:] if title not in header]
    if missing:
        raise InvalidInput(f"the sheet lacks the columns {missing}", field="file")
    index = {title: header.index(title) for title in COLUMNS}
    points: dict[str, dict[str, Any]] = {}
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise InvalidInput(f"more than {MAX_ROWS} rows", field="file")
        cells = {title: _text(values[i]) if i < len(values) else "" for title, i in index.items()}
        if any(cells.values()):
            _add_row(points, cells, number)
    return [_point(data, number) for data, number in ((p, p.pop("_row")) for p in points.values())]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _add_row(points: dict[str, dict[str, Any]], cells: dict[str, str], number: int) -> None:
    code = cells["风险点编号"]
    if not code:
        raise InvalidInput(f"row {number}: 风险点编号 is empty", field="file")
    kind = next((k for k, name in POINT_KINDS.items() if name == cells["类型"]), cells["类型"] or "place")
    point = points.setdefault(code, {"code": code, "name": cells["风险点名称"], "kind": kind,
                                     "area_code": cells["区域"] or None, "_row": number, "risks": [],
                                     "location_codes": [c for c in cells["地点"].replace(",", "、").split("、") if c]})
    if not cells["危险源"]:
        return
    key = (cells["危险源"], cells["可能导致的事故类型"], cells["后果"], cells["可能性L"], cells["严重性S"])
    if not point["risks"] or point["risks"][-1]["_key"] != key:
        point["risks"].append({"_key": key, "_row": number, "hazard_source": key[0], "accident_type": key[1],
                               "consequence": key[2], "likelihood": _score(key[3], number, "可能性L"),
                               "severity": _score(key[4], number, "严重性S"), "controls": []})
    if cells["管控措施"]:
        control_kind = next((k for k, name in KINDS.items() if name == cells["管控措施类别"]), None)
        if control_kind is None:
            raise InvalidInput(f"row {number}: 管控措施类别 must be one of {list(KINDS.values())}", field="file")
        point["risks"][-1]["controls"].append({"kind": control_kind, "measure": cells["管控措施"], "unit": cells["责任单位"],
                                               "person": cells["责任人"]})


def _score(value: str, number: int, column: str) -> int:
    if value not in {"1", "2", "3", "4", "5"}:  # not isdigit(): "²" is a digit int() refuses, as it does 4,301 of them
        raise InvalidInput(f"row {number}: {column} must be a whole number 1–5, not {value!r}", field="file")
    return int(value)


def _point(data: dict[str, Any], number: int) -> RiskPointCreate:
    for risk in data["risks"]:
        risk.pop("_key")
        risk.pop("_row")
    try:
        return RiskPointCreate.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise InvalidInput(f"risk point from row {number}: {where}: {error['msg']}", field="file") from exc


def export_all(session: Session, *, unit: str | None = None) -> bytes:
    """The whole register (or a unit's points) as the sheet."""
    return export_sheet(queries.risk_points(session, unit=unit))
