"""The reward ledger (隐患举报奖励) in the console: entries with filters, balances, reversing a report's
points with a reason, recording a payout, and the export (CSV or XLSX). Entries are only ever added."""

import logging
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.console import forms, outreach
from safety_service.console.deps import ConsoleRoute, Csrf, OfficerUser
from safety_service.console.detail import FormDep
from safety_service.console.ledger import TYPES
from safety_service.console.rendering import local, render, translator
from safety_service.console.unit_choice import UnitChoice, chosen_unit
from safety_service.errors import InvalidTransition
from safety_service.hazards import service as hazards_service
from safety_service.i18n import Translator
from safety_service.people.models import User
from safety_service.rewards import service as rewards_service
from safety_service.rewards.models import EntryKind
from safety_service.rewards.schemas import RewardPayout, RewardReverse
from safety_service.web import sheets

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/rewards", route_class=ConsoleRoute)
PAGE_SIZE = 50
COLUMNS = ("id", "created_at", "kind", "employee_no", "hazard_ref", "points", "reason")
REFUSALS: outreach.Refusals = {InvalidTransition: "console.rewards.error.not_reversible",
                               "ref": "console.rewards.error.no_report",
                               "employee_no": "console.outreach.error.no_employee",
                               "points": "console.rewards.error.balance"}
_FIELD_REFUSALS = {k: v for k, v in REFUSALS.items() if isinstance(k, str)}


def _filters(request: Request, session: Session,
             t: Translator) -> tuple[dict[str, str], dict[str, Any], dict[str, str], UnitChoice]:
    """The list's filters as typed, as the service takes them, the errors by field and the unit chosen."""
    typed = forms.fields(request.query_params, ("employee_no", "kind"))
    errors = {"kind": t("console.error.choice")} if typed["kind"] and typed["kind"] not in tuple(EntryKind) else {}
    unit = chosen_unit(session, request.query_params, t)
    if unit.error:
        errors["unit"] = unit.error
    typed["unit"] = unit.typed
    chosen = {"employee_no": typed["employee_no"][:32] or None, "unit": unit.code,
              "kind": EntryKind(typed["kind"]) if typed["kind"] and "kind" not in errors else None}
    return typed, chosen, errors, unit


def _show(request: Request, session: Session, user: User, *, typed: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None, failed: str | None = None, status: int = 200) -> Response:
    t = translator(request)
    filters, chosen, filter_errors, unit = _filters(request, session, t)
    number = outreach.page_number(request.query_params.get("page"))
    rows, count = rewards_service.ledger(session, **chosen, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    errors = {**filter_errors, **(errors or {})}
    return render(request, "rewards.html", status=422 if filter_errors and status == 200 else status, user=user,
                  rows=rows, count=count, number=number, last=max(1, -(-count // PAGE_SIZE)), filters=filters,
                  balances=rewards_service.balances(session, unit=unit.code), kinds=list(EntryKind), typed=typed or {},
                  errors=errors, failed=failed, unit=unit, unit_name=unit.name(t.language))


@router.get("")
def ledger_page(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """Entries (newest first, by employee and kind), balances, and the reversal and payout forms."""
    return _show(request, session, user)


@router.post("/reverse", dependencies=[Csrf])
def reverse(request: Request, session: SessionDep, user: OfficerUser, form: FormDep) -> Response:
    """Withdraw a report's points with a reason: one entry taking back what was given."""
    t, typed = translator(request), forms.fields(form, ("ref", "reason"))
    data, errors = forms.build(RewardReverse, {"reason": typed["reason"]}, t)
    if not typed["ref"]:
        errors["ref"] = t("console.error.required")
    problems = rewards_service.reversal_problems(session, values={"ref": typed["ref"].upper()})
    refused = [problem for problem in problems if isinstance(problem, InvalidTransition)]  # the report's state
    errors = forms.with_rules(t, errors, [p for p in problems if p not in refused], _FIELD_REFUSALS)
    if refused:
        errors["form"] = t(REFUSALS[InvalidTransition])
    status = 409 if list(errors) == ["form"] else 422
    if not errors:
        _, errors, status = outreach.attempt(session, t, lambda: rewards_service.reverse(
            session, hazard=hazards_service.get_hazard(session, ref=typed["ref"].upper()), reason=data.reason,
            actor=user, now=utc_now()), REFUSALS)
    return _done(request, session, user, typed, errors, status, "reverse")


@router.post("/payout", dependencies=[Csrf])
def payout(request: Request, session: SessionDep, user: OfficerUser, form: FormDep) -> Response:
    """Record points paid out (cash, goods); never more than the balance."""
    t, typed = translator(request), forms.fields(form, ("employee_no", "points", "reason"))
    data, errors = forms.build(RewardPayout, typed, t)
    if "points" in errors:
        errors["points"] = t("console.rewards.error.points")
    points = int(typed["points"]) if typed["points"].isascii() and typed["points"].isdigit() else None
    problems = rewards_service.payout_problems(session, values={**typed, "points": points})
    errors = forms.with_rules(t, errors, problems, _FIELD_REFUSALS)
    status = 422
    if data is not None and not errors:
        _, errors, status = outreach.attempt(session, t, lambda: rewards_service.payout(
            session, employee_no=data.employee_no, points=data.points, reason=data.reason, actor=user,
            now=utc_now()), REFUSALS)
    if "points" in errors and (data is not None or any(problem.field == "points" for problem in problems)):
        errors["points"] = t("console.rewards.error.balance",
                             balance=rewards_service.balance(session, employee_no=typed["employee_no"]))
    return _done(request, session, user, typed, errors, status, "payout")


def _done(request: Request, session: Session, user: User, typed: dict[str, Any], errors: dict[str, str], status: int,
          failed: str) -> Response:
    if errors:
        session.rollback()
        return _show(request, session, user, typed=typed, errors=errors, failed=failed, status=status)
    session.commit()
    logger.info("console reward entry", extra={"entry": failed, "user_id": user.id})
    return RedirectResponse("/console/rewards", status_code=303)


@router.get("/export")
def export(request: Request, session: SessionDep, settings: SettingsDep, user: OfficerUser) -> Response:
    """The ledger with the list's filters, as CSV or XLSX, in the page language."""
    t = translator(request)
    _, chosen, errors, _ = _filters(request, session, t)
    fmt = request.query_params.get("format", "")
    if fmt not in TYPES:
        errors["format"] = t("console.error.choice")
    if errors:
        return _show(request, session, user, errors=errors, status=422)
    rows, _ = rewards_service.ledger(session, **chosen, limit=sheets.MAX_ROWS)
    data = [[e.id, local(e.created_at, settings.timezone), t(f"console.rewards.kind.{e.kind}"), e.employee_no or "",
             ref or "", e.points, e.reason or ""] for e, ref in rows]
    titles = [t(f"console.rewards.col.{name}") for name in COLUMNS]
    body = sheets.to_csv(titles, data) if fmt == "csv" else sheets.to_xlsx(titles, data, t("console.nav.rewards"))
    logger.info("reward ledger exported", extra={"user_id": user.id, "rows": len(data), "format": fmt})
    return Response(body, media_type=TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="reward-ledger.{fmt}"', "Cache-Control": "no-store"})
