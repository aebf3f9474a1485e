"""``hazard report``, ``violation add`` and ``risk``: records made or loaded from the command line."""

from pathlib import Path

import click

from safety_service.cli.root import main, read_input, reports_errors
from safety_service.config import get_settings
from safety_service.database import session_scope
from safety_service.errors import InvalidInput


@main.group()
def hazard() -> None:
    """The hazard register."""


@hazard.command("report")
@click.option("--location", "location_code", required=True)
@click.option("--description", required=True)
@click.option("--category", "category_code", default=None)
@click.option("--employee-no", default=None, help="The reporter; anonymous when left out.")
@click.option("--report-id", default=None, help="Idempotency key: the same id never makes a second hazard.")
@reports_errors
def hazard_report(location_code: str, description: str, category_code: str | None, employee_no: str | None,
                  report_id: str | None) -> None:
    """Record a hazard found on an inspection."""
    from safety_service.hazards import intake as hazards_intake
    from safety_service.hazards.schemas import HazardReport
    from safety_service.hazards.states import Channel

    data = HazardReport(location_code=location_code, description=description, category_code=category_code,
                        source=Channel.inspection, reporter_employee_no=employee_no, client_report_id=report_id)
    with session_scope() as session:
        found, created = hazards_intake.report_hazard(session, data=data, timezone=get_settings().timezone)
        click.echo(f"{found.ref} tracking code {found.tracking_code}" + ("" if created else " (already recorded)"))


@main.group()
def violation() -> None:
    """Violations (三违) that open help-education cases."""


@violation.command("add")
@click.argument("employee_no")
@click.option("--kind", required=True, type=click.Choice(["illegal_command", "illegal_operation", "labour_discipline"]))
@click.option("--location", "location_code", required=True)
@click.option("--description", required=True)
@click.option("--at", "occurred_at", default=None, help="When it happened (ISO 8601 with offset); now by default.")
@click.option("--hazard", "hazard_ref", default=None, help="A related hazard's reference.")
@click.option("--by", "recorder", required=True, help="Username of the supervisor or officer recording it.")
@reports_errors
def violation_add(employee_no: str, kind: str, location_code: str, description: str, occurred_at: str | None,
                  hazard_ref: str | None, recorder: str) -> None:
    """Record a worker's violation; it opens or joins the worker's counselling case."""
    from safety_service.clock import utc_now
    from safety_service.counselling import violations
    from safety_service.counselling.violation_schemas import ViolationCreate
    from safety_service.people import service as people_service

    data = ViolationCreate.model_validate({
        "employee_no": employee_no, "kind": kind, "location_code": location_code, "description": description,
        "occurred_at": occurred_at or utc_now(), "hazard_ref": hazard_ref})
    with session_scope() as session:
        actor = people_service.get_user(session, username=recorder)
        if actor is None or not actor.is_active:
            raise InvalidInput(f"no active account {recorder!r}", field="by")
        recorded = violations.record_violation(session, data=data, actor=actor, settings=get_settings())
        click.echo(f"violation {recorded.id} recorded for {employee_no}")


@main.group()
def risk() -> None:
    """The risk register (安全风险分级管控) as the 风险辨识评估清单 XLSX."""


@risk.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The XLSX file to write.")
@reports_errors
def risk_export(output: str) -> None:
    """Write the risk register as the 风险辨识评估清单 workbook."""
    from safety_service.risks import sheets

    with session_scope() as session:
        Path(output).write_bytes(sheets.export_all(session))
    click.echo(f"wrote {output}")


@risk.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@reports_errors
def risk_import(file: str) -> None:
    """Load a 风险辨识评估清单 workbook: new risk points are added, known ones take the sheet's risks."""
    from safety_service.risks import sheets

    with session_scope() as session:
        result = sheets.import_sheet(session, content=read_input(Path(file)))
    click.echo(f"imported {file}: {len(result.created)} added, {len(result.replaced)} replaced")
