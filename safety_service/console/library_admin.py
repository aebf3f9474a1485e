"""The standard hazard library (隐患标准库) in the console: one page per item to change it or retire it. The list and
the add form are ``admin.PAGES["library"]``; a retired item stays on the hazards that matched it.

The form calls the same service function as the API (``PATCH /api/v1/hazard-library/{id}``).
"""

import logging
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.responses import RedirectResponse, Response

from safety_service.api.deps import PathId, SessionDep, SettingsDep
from safety_service.console import forms
from safety_service.console.deps import AdminUser, ConsoleRoute, Csrf
from safety_service.console.detail import FormDep
from safety_service.console.rendering import render, translator
from safety_service.errors import DomainError
from safety_service.hazards import levels, library
from safety_service.hazards.states import Grade, ReportType
from safety_service.locations.models import Category

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/admin/library", route_class=ConsoleRoute)
FIELDS = ("category_code", "title", "grade", "level", "fix_days", "report_type", "active")
MESSAGES = {"level": "console.library.error.level", "title": "console.library.error.title"}


def _show(request: Request, session: Session, user: Any, item_id: int, *, typed: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None, status: int = 200) -> Response:
    item = library.public_item(session, library.get_item(session, item_id=item_id, field="item_id"))
    current = {**item.model_dump(), "category_code": item.category, "level": item.level or "",
               "report_type": item.report_type or "", "active": "true" if item.active else "false"}
    return render(request, "admin_library_item.html", status=status, user=user, section="library", item=item,
                  typed=typed if typed is not None else current, errors=errors or {}, grades=list(Grade),
                  report_types=list(ReportType), levels=levels.list_levels(session),
                  categories=session.exec(select(Category).order_by(col(Category.sort_order))).all())


@router.get("/{item_id}")
def item_page(request: Request, session: SessionDep, user: AdminUser, item_id: PathId) -> Response:
    """One library item with the form that changes or retires it."""
    return _show(request, session, user, item_id)


@router.post("/{item_id}", dependencies=[Csrf])
def change_item(request: Request, session: SessionDep, settings: SettingsDep, user: AdminUser, form: FormDep,
                item_id: PathId) -> Response:
    """Change the item's category, wording, grade, level, fix days or report type, or retire it."""
    t, typed = translator(request), forms.fields(form, FIELDS)
    values: dict[str, Any] = {**typed, "active": {"true": True, "false": False}.get(typed["active"], typed["active"])}
    data, errors = forms.build(library.LibraryItemUpdate, values, t)
    if data is not None:
        try:
            library.update_item(session, item_id=item_id, data=data, actor=user, site=settings.site)
        except DomainError as exc:
            errors = forms.domain_error(t, exc, MESSAGES)
    if errors:
        session.rollback()
        return _show(request, session, user, item_id, typed=typed, errors=errors, status=422)
    session.commit()
    logger.info("console library item changed", extra={"item_id": item_id, "user_id": user.id})
    return RedirectResponse("/console/admin/library", status_code=303)
