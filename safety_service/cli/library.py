"""``safety-service library …``: the standard hazard library (隐患标准库)."""

import click

from safety_service.cli.root import main, reports_errors
from safety_service.config import get_settings
from safety_service.database import session_scope
from safety_service.errors import InvalidInput


@main.group()
def library() -> None:
    """The standard hazard library (隐患标准库): standard descriptions with their default grade, level, fix days."""


@library.command("add")
@click.option("--category", "category_code", required=True, help="Category code, e.g. roof, rock_burst, hoisting.")
@click.option("--title", required=True, help="The standard description, e.g. 锚杆托盘松动.")
@click.option("--grade", default="general", type=click.Choice(["general", "major"]))
@click.option("--level", default=None, help="Hazard level code (A, B, C); none for a major hazard.")
@click.option("--fix-days", required=True, type=int, help="Default time limit of the fix, in days.")
@click.option("--report-type", default=None,
              type=click.Choice(["unsafe_act", "unsafe_condition", "environment", "management"]))
@click.option("--by", "admin", required=True, help="Username of the administrator adding it.")
@reports_errors
def library_add(category_code: str, title: str, grade: str, level: str | None, fix_days: int,
                report_type: str | None, admin: str) -> None:
    """Add a standard description."""
    from safety_service.hazards import library as hazard_library
    from safety_service.people import service as people_service

    data = hazard_library.LibraryItemCreate.model_validate({
        "category_code": category_code, "title": title, "grade": grade, "level": level, "fix_days": fix_days,
        "report_type": report_type})
    with session_scope() as session:
        actor = people_service.get_user(session, username=admin)
        if actor is None or not actor.is_active:
            raise InvalidInput(f"no active account {admin!r}", field="by")
        item = hazard_library.add_item(session, data=data, actor=actor, site=get_settings().site)
        click.echo(f"added library item {item.id} {item.title}")


@library.command("list")
@click.option("--category", "category_code", default=None)
@reports_errors
def library_list(category_code: str | None) -> None:
    """List the library: id, category, grade, level, fix days, report type, active, title."""
    from safety_service.hazards import library as hazard_library

    with session_scope() as session:
        for i in hazard_library.list_items(session, category=category_code):
            click.echo(f"{i.id}\t{i.category}\t{i.grade}\t{i.level or '-'}\t{i.fix_days}\t{i.report_type or '-'}"
                       f"\t{'active' if i.active else 'retired'}\t{i.title}")
