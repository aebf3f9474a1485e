"""The unit a console page is cut by (``?unit=CODE``): the chooser's units, the code chosen, and the error when
there is no such unit, for every page that shows the unit chooser (``templates/unit_chooser.html``)."""

from dataclasses import dataclass

from sqlmodel import Session
from starlette.datastructures import QueryParams

from safety_service.errors import InvalidInput
from safety_service.i18n import Translator
from safety_service.units import cuts
from safety_service.units import service as units_service
from safety_service.units.models import OrgUnit


@dataclass(frozen=True)
class UnitChoice:
    """What the chooser shows and what the page is cut by (``code`` is None for the whole mine or a bad code)."""

    typed: str
    code: str | None
    units: list[OrgUnit]
    error: str | None

    def name(self, language: str) -> str | None:
        """The chosen unit's name in this language, for the page's scope line."""
        chosen = next((u for u in self.units if u.code == self.code), None) if self.code else None
        return (chosen.name_en if language == "en" and chosen.name_en else chosen.name_zh) if chosen else None


def chosen_unit(session: Session, params: QueryParams, t: Translator) -> UnitChoice:
    """The unit asked for in the query (any unit, retired ones too, so past figures stay reachable)."""
    typed = (params.get("unit") or "").strip()[:32]
    units = units_service.in_tree_order(session, retired=True)
    try:
        return UnitChoice(typed, cuts.check_unit(session, typed or None), units, None)
    except InvalidInput:
        return UnitChoice(typed, None, units, t("console.error.unknown_code"))
