"""The counselling case's workflow on the one engine (``safety_service.workflow``): its table of edges
(``states.TRANSITIONS``), its one event writer, and what arriving in a state changes on the case."""

from safety_service.counselling.events import append_event
from safety_service.counselling.models import CounsellingCase
from safety_service.counselling.states import TRANSITIONS, CaseState, Transition
from safety_service.workflow import Workflow


def _arrive(case: CounsellingCase, transition: Transition) -> None:
    """A closed case frees its worker for a new one (one active case per worker)."""
    case.active_person_id = None if transition.target == CaseState.closed else case.person_id


WORKFLOW = Workflow(noun="case", edges=TRANSITIONS, write_event=append_event, arrive=_arrive,
                    automatic=lambda transition: transition.automatic)
