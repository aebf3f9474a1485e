"""The 排查记录 sheet: every round of a period, done or missed, with what it found."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from safety_service.inspections.schemas import RoundPublic
from safety_service.risks.sheets import FORMULA_STARTS, LEVELS

COLUMNS = ("排查周期开始", "排查周期结束", "风险点编号", "风险点", "风险等级", "排查人", "岗位", "带班/跟班", "状态",
           "排查时间", "地点", "检查项", "不合格项", "隐患编号")
STATES = {"due": "待排查", "done": "已排查", "missed": "未按期排查"}


def record_sheet(rounds: list[RoundPublic], *, timezone: str) -> bytes:
    """The rounds as an XLSX workbook, local times."""
    zone = ZoneInfo(timezone)
    book = Workbook()
    page = book.active
    if not isinstance(page, Worksheet):  # a new workbook's one sheet is a worksheet
        raise TypeError("a new workbook without its worksheet")
    page.title = "排查记录"
    page.append(COLUMNS)
    for cell in page[1]:
        cell.font = Font(bold=True)
    page.freeze_panes = "A2"
    for r in rounds:
        failed = [i for i in r.items if not i.ok]
        page.append([_local(r.window_start, zone), _local(r.window_end, zone), r.risk_point_code, r.risk_point_name,
                     LEVELS[r.risk_level], r.inspector, r.post, "是" if r.leader_round else "", STATES[r.state],
                     _local(r.checked_at, zone) if r.checked_at else "", r.location_code or "", len(r.items),
                     len(failed), "、".join(i.hazard_ref for i in failed if i.hazard_ref)])
        for cell in page[page.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
