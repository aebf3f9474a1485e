"""``unit …``: organisation units (矿 → 科室/区队 → 班组), their people and the places in their charge."""

import click

from safety_service.cli.root import main, reports_errors
from safety_service.database import session_scope


@main.group()
def unit() -> None:
    """Organisation units (矿 → 科室/区队 → 班组)."""


@unit.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Chinese name, e.g. 综采一队.")
@click.option("--name-en", default="")
@click.option("--kind", required=True, type=click.Choice(["mine", "section", "team", "crew"]),
              help="mine 矿, section 科室, team 区队, crew 班组.")
@click.option("--parent", "parent_code", default=None, help="Code of the unit it sits under.")
@click.option("--leader", default=None, help="Username of the unit's leader.")
@reports_errors
def unit_add(code: str, name: str, name_en: str, kind: str, parent_code: str | None, leader: str | None) -> None:
    """Add a unit."""
    from safety_service.units import service as units_service
    from safety_service.units.schemas import OrgUnitCreate

    data = OrgUnitCreate.model_validate({"code": code, "name_zh": name, "name_en": name_en, "kind": kind,
                                         "parent_code": parent_code, "leader": leader})
    with session_scope() as session:
        added = units_service.add_unit(session, data=data)
        click.echo(f"added unit {added.code} {added.name_zh}")


@unit.command("list")
@reports_errors
def unit_list() -> None:
    """List the units: code, kind, name, parent, leader, members."""
    from safety_service.units import service as units_service

    with session_scope() as session:
        for row, parent, leader, members in units_service.list_units(session):
            click.echo(f"{row.code}\t{row.kind}\t{row.name_zh}\t{parent or '-'}\t{leader or '-'}\t{members}")


@unit.command("join")
@click.argument("code")
@click.argument("employee_no")
@reports_errors
def unit_join(code: str, employee_no: str) -> None:
    """Put a person (by employee number) in the unit."""
    from safety_service.units import service as units_service

    with session_scope() as session:
        units_service.add_member(session, unit=units_service.get_unit(session, code=code), employee_no=employee_no)
        click.echo(f"{employee_no} now belongs to {code}")


@unit.command("charge")
@click.argument("code")
@click.option("--area", "area_code", default=None)
@click.option("--location", "location_code", default=None)
@reports_errors
def unit_charge(code: str, area_code: str | None, location_code: str | None) -> None:
    """Make the unit responsible for an area or a location."""
    from safety_service.units import service as units_service
    from safety_service.units.schemas import UnitCharge

    with session_scope() as session:
        units_service.put_in_charge(session, unit=units_service.get_unit(session, code=code),
                                    data=UnitCharge(area_code=area_code, location_code=location_code))
        click.echo(f"{area_code or location_code} is now in the charge of {code}")


@unit.command("set")
@click.argument("code")
@click.option("--name", "name_zh", default=None, help="New Chinese name.")
@click.option("--name-en", default=None, help="New English name.")
@click.option("--parent", "parent_code", default=None, help="Move the unit under this one.")
@click.option("--leader", default=None, help="Username of the new leader; '' for none.")
@click.option("--retire/--restore", "retire", default=None,
              help="Retire the unit (its records keep it) or bring it back.")
@reports_errors
def unit_set(code: str, name_zh: str | None, name_en: str | None, parent_code: str | None, leader: str | None,
             retire: bool | None) -> None:
    """Change a unit: name, parent, leader, retired or not (only what is given)."""
    from safety_service.units import service as units_service
    from safety_service.units.schemas import OrgUnitUpdate

    given = {"name_zh": name_zh, "name_en": name_en, "parent_code": parent_code, "leader": leader,
             "active": None if retire is None else not retire}
    data = OrgUnitUpdate.model_validate({name: value for name, value in given.items() if value is not None})
    with session_scope() as session:
        changed = units_service.update_unit(session, unit=units_service.get_unit(session, code=code), data=data)
        click.echo(f"unit {changed.code} {changed.name_zh}{'' if changed.active else ' (retired)'}")
