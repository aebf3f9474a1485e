"""The public list of awards (奖励公示, 安委〔2024〕7号) as a page for phones and the kiosks' browsers: the
scale and the awards of the last 90 days, no references or tracking codes, a name only with consent."""

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

from safety_service.api.deps import SessionDep, SettingsDep
from safety_service.i18n import Translator
from safety_service.pages.rendering import language, render
from safety_service.rewards import awards

router = APIRouter(include_in_schema=False)
DAYS = 90


@router.get("/awards", response_class=HTMLResponse)
def awards_board(request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """The public list and the scale, in the visitor's language."""
    chosen = request.query_params.get("lang")
    t = Translator(language(request.headers, chosen=chosen))
    return render("awards.html", lang=t.language, remember=chosen is not None, days=DAYS,
                  lines=awards.board_lines(session, days=DAYS, timezone=settings.timezone),
                  scale=awards.scale(session))
