"""``safety-service unit set …``: rename, move, lead or retire an organisation unit."""

import click

from safety_service.cli import reports_errors, unit
from safety_service.database import session_scope


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
