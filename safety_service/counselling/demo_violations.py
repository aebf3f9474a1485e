"""Demo violations graded by the standard list (三违界定标准): severities, a repeat, measures half done."""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from safety_service.config import Settings
from safety_service.counselling import items, violations
from safety_service.counselling.models import ViolationItem
from safety_service.counselling.violation_schemas import MeasureComplete, ViolationCreate
from safety_service.database import saved_id
from safety_service.people import service as people_service
from safety_service.people.models import User
from safety_service.people.schemas import PersonCreate

# (employee no, name, team, item title, days ago, whether the safety office has settled the measures)
GRADED = (
    ("1201", "韩东", "综采一队", "酒后入井或班中饮酒", 9, True),
    ("1202", "曹阳", "机电队", "未停电、验电、放电即进行电气检修", 4, False),
    ("1203", "彭刚", "掘进二队", "未按规定佩戴自救器或矿灯", 60, True),
    ("1203", "彭刚", "掘进二队", "井下睡岗、脱岗、串岗", 3, False),
    ("1204", "许亮", "运输队", "未按规定穿戴劳动防护用品", 1, False),
)


def load(session: Session, *, users: dict[str, User], location_codes: list[str], settings: Settings,
         now: datetime) -> str:
    """Record the graded demo violations; settled ones have every measure marked done."""
    for index, (number, name, team, title, days_ago, settled) in enumerate(GRADED):
        if people_service.get_person(session, employee_no=number) is None:
            people_service.add_person(session, data=PersonCreate(employee_no=number, name=name, team=team))
        item = session.exec(select(ViolationItem).where(ViolationItem.title == title)).one()
        at = now - timedelta(days=days_ago)
        data = ViolationCreate(employee_no=number, kind=item.kind, item_id=item.id, occurred_at=at,
                               location_code=location_codes[index % len(location_codes)], description=title)
        violation = violations.record_violation(session, data=data, actor=users["officer2"], settings=settings,
                                                now=at + timedelta(hours=1))
        if settled:
            for measure in items.measures_of(session, [saved_id(violation)])[saved_id(violation)]:
                items.complete_measure(session, violation_id=saved_id(violation), measure_id=measure.id,
                                       data=MeasureComplete(note="已落实"), actor=users["officer1"],
                                       now=at + timedelta(days=6))
    return f"violations by the standard list: {len(GRADED)} graded, with a repeat and measures to settle"
