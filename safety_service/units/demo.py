"""Demo units: a real mine's sections, teams and crews, with the demo people in them and the demo
areas and locations in their charge."""

from sqlmodel import Session

from safety_service.database import known
from safety_service.people.models import Person, User
from safety_service.units import service as units_service
from safety_service.units.models import UnitKind
from safety_service.units.schemas import OrgUnitCreate, UnitCharge

# code, Chinese name, English name, kind, parent code, leader's demo username
UNITS = (
    ("MINE", "田陈煤矿", "Tianchen coal mine", "mine", None, "chief"),
    ("AQK", "安全科", "Safety section", "section", "MINE", "officer1"),
    ("JDK", "机电科", "Electromechanical section", "section", "MINE", "owner2"),
    ("TFK", "通风科", "Ventilation section", "section", "MINE", None),
    ("ZC1", "综采一队", "Fully mechanised mining team 1", "team", "MINE", "owner1"),
    ("JJ2", "掘进二队", "Development team 2", "team", "MINE", None),
    ("YSD", "运输队", "Transport team", "team", "MINE", None),
    ("ZC1-1", "综采一队检修班", "Team 1 maintenance crew", "crew", "ZC1", None),
    ("ZC1-2", "综采一队生产一班", "Team 1 production crew 1", "crew", "ZC1", None),
    ("JJ2-1", "掘进二队掘进一班", "Team 2 heading crew 1", "crew", "JJ2", None),
)
# demo username -> unit code (the union counsellor and the administrator stay outside the line units)
MEMBERS = {"miner1": "ZC1-2", "miner2": "JJ2-1", "supervisor1": "TFK", "officer1": "AQK", "officer2": "AQK",
           "owner1": "ZC1", "owner2": "JDK", "chief": "MINE"}
CHARGE = (("area", "north", "ZC1"), ("area", "south", "JJ2"), ("area", "surface", "JDK"),
          ("location", "RW-3105", "TFK"), ("location", "RW-S12", "YSD"), ("location", "WS-MECH", "JDK"))


def load(session: Session, *, users: dict[str, User]) -> str:
    """Create the demo units, put the demo people in them and the areas in their charge."""
    for code, zh, en, kind, parent, leader in UNITS:
        units_service.add_unit(session, data=OrgUnitCreate(
            code=code, name_zh=zh, name_en=en, kind=UnitKind(kind), parent_code=parent,
            leader=users[leader].username if leader else None))
    for username, code in MEMBERS.items():
        person = known(session.get(Person, users[username].person_id))
        units_service.add_member(session, unit=units_service.get_unit(session, code=code),
                                 employee_no=person.employee_no)
    for kind, place, code in CHARGE:
        charge = UnitCharge(area_code=place) if kind == "area" else UnitCharge(location_code=place)
        units_service.put_in_charge(session, unit=units_service.get_unit(session, code=code), data=charge)
    return f"{len(UNITS)} units (矿 → 科室/区队 → 班组), {len(MEMBERS)} people placed in them"
