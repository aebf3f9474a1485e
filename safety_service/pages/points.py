"""``/points``: a worker's own reward points (隐患举报奖励), public and rate-limited like the report pages.

A worker proves who they are with the tracking code of one of their reports: with their employee number
they see their balance and entries; with tracking codes alone, what each of those reports earned, and
an anonymous report's points can be claimed there. Nobody sees another worker's points.
"""

import logging
import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from sqlmodel import Session
from starlette.responses import HTMLResponse

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.clock import utc_now
from safety_service.errors import InvalidInput, InvalidTransition, NotFound
from safety_service.hazards import service as hazards_service
from safety_service.i18n import Translator
from safety_service.pages import tracking
from safety_service.pages.rendering import language, local_time, render
from safety_service.rewards import service as rewards_service

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
MAX_CODES = 20
SEPARATORS = re.compile(r"[\s,，;；]+")
Text = Annotated[str, Form()]


def _codes(raw: str) -> list[str]:
    return list(dict.fromkeys(code for code in SEPARATORS.split(raw.strip()) if code))


def _page(t: Translator, *, status: int = 200, remember: bool = False, form: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, **found: Any) -> HTMLResponse:
    return render("points.html", lang=t.language, status=status, remember=remember, form=form or {},
                  errors=errors or {}, **found)


def _statement(session: Session, t: Translator, employee_no: str, timezone: str, *, status: int = 200,
               claimed: str | None = None) -> HTMLResponse:
    """The worker's own balance and entries (only after a tracking code proved them theirs)."""
    entries = [{"kind": entry.kind, "points": entry.points, "ref": ref, "reason": entry.reason,
                "at": local_time(entry.created_at, timezone)}
               for entry, ref in rewards_service.statement(session, employee_no=employee_no)]
    return _page(t, status=status, form={"employee_no": employee_no}, employee_no=employee_no, entries=entries,
                 balance=rewards_service.balance(session, employee_no=employee_no), claimed=claimed)


@router.get("/points", response_class=HTMLResponse)
def points_page(request: Request) -> HTMLResponse:
    """The form: employee number and tracking codes."""
    chosen = request.query_params.get("lang")
    return _page(Translator(language(request.headers, chosen=chosen)), remember=chosen is not None)


@router.post("/points", response_class=HTMLResponse)
def look_up(request: Request, session: SessionDep, settings: SettingsDep, employee_no: Text = "",
            tracking_codes: Text = "", lang: Text = "") -> HTMLResponse:
    """Their balance (employee number and a code of theirs), or what each of these reports earned."""
    t = Translator(language(request.headers, chosen=lang or None))
    employee_no, codes = employee_no.strip(), _codes(tracking_codes[:2000])
    form, errors = {"employee_no": employee_no, "tracking_codes": tracking_codes}, {}
    if not codes or len(codes) > MAX_CODES:
        errors["tracking_codes"] = t("points.error.codes", max=MAX_CODES)
    elif len(employee_no) > 32:
        errors["employee_no"] = t("points.error.employee_no")
    elif employee_no and not rewards_service.proves_owner(session, employee_no=employee_no, tracking_codes=codes):
        errors["tracking_codes"] = t("points.error.not_yours")
    if errors:
        return _page(t, status=422, form=form, errors=errors)
    if employee_no:
        return _statement(session, t, employee_no, settings.timezone)
    found = rewards_service.reports_of(session, tracking_codes=codes)
    if not found:
        return _page(t, status=422, form=form, errors={"tracking_codes": t("error.tracking.not_found")})
    return _page(t, form=form, reports=[(hazard.tracking_code, tracking.track(
        session, code=hazard.tracking_code, lang=t.language, timezone=settings.timezone)) for hazard in found])


@router.post("/points/claim", response_class=HTMLResponse)
def claim(request: Request, session: SessionDep, settings: SettingsDep, employee_no: Text = "",
          tracking_code: Text = "", lang: Text = "") -> HTMLResponse:
    """An anonymous report's points go to the employee number its tracking code's holder gives."""
    t = Translator(language(request.headers, chosen=lang or None))
    employee_no, code = employee_no.strip()[:32], tracking_code.strip()[:64]
    form = {"employee_no": employee_no, "tracking_codes": code}
    try:
        if not employee_no:
            raise InvalidInput("employee number missing", field="employee_no")
        hazard = hazards_service.get_by_tracking_code(session, code=code)
        rewards_service.claim(session, hazard=hazard, employee_no=employee_no, settings=settings, now=utc_now())
    except NotFound:
        return _page(t, status=422, form=form, errors={"tracking_codes": t("error.tracking.not_found")})
    except InvalidInput:
        session.rollback()
        return _page(t, status=422, form=form, errors={"employee_no": t("points.error.no_employee")})
    except InvalidTransition:
        session.rollback()
        return _page(t, status=409, form=form, errors={"tracking_codes": t("points.error.not_claimable")})
    session.commit()
    logger.info("reward points claimed", extra={"ref": hazard.ref})
    return _statement(session, t, employee_no, settings.timezone, claimed=hazard.ref)
