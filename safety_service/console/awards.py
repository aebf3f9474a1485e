"""Cash rewards (举报奖励, 安委〔2024〕7号) in the console: the awards with their state, the officer's proposal,
the chief's or union's decision, the payment, the scale (admins edit it) and the register export (XLSX)."""

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.console import forms, outreach
from safety_service.console.deps import ConsoleRoute, Csrf, require
from safety_service.console.detail import FormDep
from safety_service.console.ledger import TYPES
from safety_service.console.rendering import render, translator
from safety_service.console.unit_choice import chosen_unit
from safety_service.errors import DomainError, InvalidTransition, PermissionDenied
from safety_service.hazards import service as hazards_service
from safety_service.hazards.states import Grade, ReportType
from safety_service.i18n import Translator
from safety_service.people import service as people_service
from safety_service.people.models import User
from safety_service.rewards import awards
from safety_service.rewards import register as reward_register
from safety_service.rewards.models import AwardState, PayMethod
from safety_service.rewards.schemas import AwardDecide, AwardPay, AwardPropose, ScaleEntry
from safety_service.validation import MAX_ROW_ID, whole_number
from safety_service.web.sheets import to_xlsx

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/awards", route_class=ConsoleRoute)
AwardUser = Annotated[User, Depends(require(*awards.READERS))]
PAGE_SIZE = 50
REFUSALS: outreach.Refusals = {InvalidTransition: "console.awards.error.transition",
                               "ref": "console.rewards.error.no_report", "award_id": "console.awards.error.award",
                               "report_type": "console.awards.error.report_type",
                               "amount": "console.awards.error.amount", "note": "console.awards.error.note",
                               "reason": "console.awards.error.reason",
                               "tracking_code": "console.awards.error.tracking_code"}


def _show(request: Request, session: Session, user: User, *, typed: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None, failed: str | None = None, status: int = 200) -> Response:
    t = translator(request)
    raw = request.query_params.get("state", "")
    state = AwardState(raw) if raw in tuple(AwardState) else None
    errors, unit = dict(errors or {}), chosen_unit(session, request.query_params, t)
    if raw and state is None:
        errors["state"], status = t("console.error.choice"), 422
    if unit.error:
        errors["unit"], status = unit.error, 422
    number = outreach.page_number(request.query_params.get("page"))
    rows, count = awards.list_awards(session, state=state, unit=unit.code, limit=PAGE_SIZE,
                                     offset=(number - 1) * PAGE_SIZE)
    ids = [i for a, _ in rows for i in (a.proposed_by_id, a.decided_by_id, a.paid_by_id)]
    today = outreach.local_today(request.app.state.settings.timezone)
    return render(request, "awards.html", status=status, user=user, rows=rows, count=count, number=number,
                  last=max(1, -(-count // PAGE_SIZE)), state=raw, states=list(AwardState),
                  people=people_service.people_of(session, ids), scale=awards.scale(session),
                  grades=list(Grade), report_types=list(ReportType), methods=list(PayMethod),
                  roles={"propose": user.role in awards.PROPOSERS, "decide": user.role in awards.APPROVERS,
                         "pay": user.role in awards.PAYERS, "scale": user.role == "admin"},
                  start=today.replace(day=1).isoformat(), end=today.isoformat(),
                  typed=typed or {}, errors=errors, failed=failed, unit=unit, unit_name=unit.name(t.language))


@router.get("")
def awards_page(request: Request, session: SessionDep, user: AwardUser) -> Response:
    """The awards (newest first, by state), the scale and the forms the user's role may use."""
    return _show(request, session, user)


def _attempt(session: Session, t: Translator, call: Callable[[], object], refusals: outreach.Refusals
             ) -> tuple[object, dict[str, str], int]:
    """A service call whose refusal becomes messages; a role refused is 403, not a form problem."""
    try:
        with session.begin_nested():
            return call(), {}, 200
    except PermissionDenied:
        session.rollback()
        return None, {"form": t("console.awards.error.role")}, 403
    except DomainError as refusal:
        return outreach.attempt(session, t, functools.partial(_again, refusal), refusals)


def _again(exc: DomainError) -> object:
    """Raise a refusal once more, for the shared mapping of refusals to messages."""
    raise exc


def _award_id(typed: dict[str, str], errors: dict[str, str], t: Translator) -> int | None:
    """The award the form names; a number no row can have (past the id column's range, where PostgreSQL
    refuses the query) names none, as text does."""
    award_id = whole_number(typed["award_id"], high=MAX_ROW_ID)
    if award_id is None:
        errors["award_id"] = t("console.awards.error.award")
    return award_id


@router.post("/propose", dependencies=[Csrf])
def propose(request: Request, session: SessionDep, user: AwardUser, form: FormDep) -> Response:
    """The safety office proposes a confirmed report's award."""
    t, typed = translator(request), forms.fields(form, ("ref", "report_type", "amount", "note"))
    data, errors = forms.build(AwardPropose, {k: typed[k] for k in ("report_type", "amount", "note")}, t)
    if not typed["ref"]:
        errors["ref"] = t("console.error.required")
    status = 422
    if not errors:
        _, errors, status = _attempt(session, t, lambda: awards.propose(
            session, hazard=hazards_service.get_hazard(session, ref=typed["ref"].upper()), actor=user, now=utc_now(),
            amount=data.amount, report_type=data.report_type, note=data.note), REFUSALS)
    return _done(request, session, user, typed, errors, status, "propose")


@router.post("/decide", dependencies=[Csrf])
def decide(request: Request, session: SessionDep, user: AwardUser, form: FormDep) -> Response:
    """The chief or the union approves or refuses (with a reason)."""
    t, typed = translator(request), forms.fields(form, ("award_id", "approved", "reason"))
    data, errors = forms.build(AwardDecide, {"approved": typed["approved"], "reason": typed["reason"]}, t)
    award_id, status = _award_id(typed, errors, t), 422
    if award_id is not None and not errors:
        _, errors, status = _attempt(session, t, lambda: awards.decide(
            session, award=awards.get_award(session, award_id=award_id), approved=data.approved,
            reason=data.reason, actor=user, now=utc_now()), REFUSALS)
    return _done(request, session, user, typed, errors, status, "decide")


@router.post("/pay", dependencies=[Csrf])
def pay(request: Request, session: SessionDep, user: AwardUser, form: FormDep) -> Response:
    """Record an approved award paid: how, and the tracking code shown for an anonymous report."""
    t, typed = translator(request), forms.fields(form, ("award_id", "method", "note", "tracking_code", "shown_name"))
    data, errors = forms.build(AwardPay, {"method": typed["method"], "note": typed["note"],
                                          "tracking_code": typed["tracking_code"],
                                          "shown_name": "true" if typed["shown_name"] else "false"}, t)
    award_id, status = _award_id(typed, errors, t), 422
    if award_id is not None and not errors:
        payment = awards.Payment(method=data.method, note=data.note, tracking_code=data.tracking_code,
                                 shown_name=data.shown_name)
        _, errors, status = _attempt(session, t, lambda: awards.pay(
            session, award=awards.get_award(session, award_id=award_id), payment=payment, actor=user,
            now=utc_now()), REFUSALS)
    return _done(request, session, user, typed, errors, status, "pay")


@router.post("/scale", dependencies=[Csrf])
def scale(request: Request, session: SessionDep, user: AwardUser, form: FormDep) -> Response:
    """An administrator sets one amount of the scale."""
    t, typed = translator(request), forms.fields(form, ("grade", "report_type", "amount"))
    data, errors = forms.build(ScaleEntry, typed, t)
    if user.role != "admin":
        errors = {"form": t("console.awards.error.role")}
    if not errors:
        awards.set_scale(session, grade=data.grade, report_type=data.report_type, amount=data.amount, actor=user,
                         now=utc_now())
    return _done(request, session, user, typed, errors, 403 if "form" in errors else 422, "scale")


def _done(request: Request, session: Session, user: User, typed: dict[str, Any], errors: dict[str, str], status: int,
          failed: str) -> Response:
    if errors:
        session.rollback()
        return _show(request, session, user, typed=typed, errors=errors, failed=failed, status=status)
    session.commit()
    logger.info("console award step", extra={"step": failed, "user_id": user.id})
    return RedirectResponse("/console/awards", status_code=303)


@router.get("/register")
def register(request: Request, session: SessionDep, settings: SettingsDep, user: AwardUser) -> Response:
    """The reward register of a period (local days, inclusive) as XLSX, in the page language."""
    t, typed = translator(request), forms.fields(request.query_params, ("start", "end"))
    zone, errors, bounds = ZoneInfo(settings.timezone), {}, {}
    for name in ("start", "end"):
        try:
            bounds[name] = datetime.fromisoformat(typed[name]).replace(tzinfo=zone)
        except ValueError:
            errors[name] = t("console.error.date")
    unit = chosen_unit(session, request.query_params, t)
    if errors or unit.error:  # the page names a bad unit itself
        return _show(request, session, user, errors=errors, failed="register", status=422)
    body = to_xlsx(*reward_register.sheet(session, start=bounds["start"], end=bounds["end"] + timedelta(days=1), t=t,
                                          timezone=settings.timezone, unit=unit.code))
    logger.info("reward register exported", extra={"user_id": user.id})
    return Response(body, media_type=TYPES["xlsx"], headers={
        "Content-Disposition": 'attachment; filename="reward-register.xlsx"', "Cache-Control": "no-store"})
