"""``safety-service major-criteria …``: the situations of 煤矿重大事故隐患判定标准 (应急管理部令第4号)."""

from pathlib import Path

import click

from safety_service.cli.root import main, read_input, reports_errors
from safety_service.database import session_scope
from safety_service.errors import InvalidInput


@main.group("major-criteria")
def major_criteria() -> None:
    """The situations that make a hazard major (煤矿重大事故隐患判定标准), kept when the standard changes."""


@major_criteria.command("list")
@click.option("--all", "show_all", is_flag=True, help="Retired items too.")
@reports_errors
def criteria_list(show_all: bool) -> None:
    """List the standard: code, reference, active, category, wording."""
    from safety_service.hazards import criteria

    with session_scope() as session:
        for c in criteria.list_criteria(session, active_only=not show_all):
            click.echo(f"{c.code}\t{c.reference}\t{'active' if c.active else 'retired'}\t({c.category_no})"
                       f"{c.category_title}\t{c.text}")


@major_criteria.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "admin", required=True, help="Username of the administrator importing it.")
@reports_errors
def criteria_import(file: Path, admin: str) -> None:
    """Bring the standard to FILE's text (.json shaped like the shipped one, or .csv with the header
    category_no,category_title,article,item_no,text): wording updated, new items added, missing ones retired."""
    from safety_service.hazards import criteria
    from safety_service.people import service as people_service

    try:
        text = read_input(file).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the file is not UTF-8 text", field="file") from exc
    rows = criteria.rows_from_csv(text) if file.suffix.lower() == ".csv" else criteria.rows_from_json(text)
    with session_scope() as session:
        actor = people_service.get_user(session, username=admin)
        if actor is None or not actor.is_active:
            raise InvalidInput(f"no active account {admin!r}", field="by")
        summary = criteria.import_rows(session, rows=rows, actor=actor)
        click.echo(f"added {summary.added}, changed {summary.changed}, retired {summary.retired}, "
                   f"unchanged {summary.unchanged}")
