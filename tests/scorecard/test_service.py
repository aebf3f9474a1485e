"""Each unit's month: the figures are worked out from this test's own units and hazards."""

import json
import uuid
from datetime import date, timedelta

from sqlmodel import Session

from safety_service.hazards.states import HazardState
from safety_service.mqtt import intake
from safety_service.scorecard import periods
from safety_service.scorecard import service as scorecard_service
from tests.hazards.builders import make_hazard
from tests.kiosks.builders import make_kiosk
from tests.scorecard.builders import MARCH, make_mine, march_work

TZ = "Asia/Shanghai"


def test_a_units_month_counts_its_own_work_and_its_crews(session: Session) -> None:
    mine = march_work(session, make_mine(session))
    found = scorecard_service.figures(session, period=periods.month("2025-03", TZ))
    crew, team, other, whole = (found[u.id].as_dict() for u in (mine.crew, mine.team, mine.other, mine.mine))
    assert crew == team  # the team's row covers its crew, where the owner works
    assert {k: crew[k] for k in ("about", "closed_on_time", "closed_late", "overdue", "extensions", "major",
                                  "found", "ratings")} == {
        "about": 4, "closed_on_time": 1, "closed_late": 1, "overdue": 2, "extensions": 1, "major": 1,
        "found": 0, "ratings": 1}
    assert (crew["basic"], crew["satisfaction_rate"]) == (1, 100.0)
    assert {k: other[k] for k in ("found", "about", "violations", "repeat_violations", "repeat_rate",
                                   "supervisors", "supervisor_reports")} == {
        "found": 2, "about": 0, "violations": 2, "repeat_violations": 1, "repeat_rate": 50.0,
        "supervisors": 1, "supervisor_reports": 2}
    assert whole["found"] == 2 and whole["about"] == 4 and whole["violations"] == 2


def test_the_month_before_is_beside_it(session: Session) -> None:
    mine = march_work(session, make_mine(session))
    card = scorecard_service.monthly(session, month="2025-03", timezone=TZ)
    assert card.previous_month == "2025-02"
    [row] = [r for r in card.rows if r.unit.id == mine.team.id]
    assert (row.previous["closed_on_time"], row.current["closed_on_time"]) == (1, 1)
    assert (row.previous["about"], row.current["about"]) == (1, 4)
    order = [r.unit.id for r in card.rows]
    assert order.index(mine.mine.id) < order.index(mine.team.id) < order.index(mine.crew.id)


def test_a_hazard_still_open_past_its_deadline_stays_overdue_next_month(session: Session) -> None:
    mine = march_work(session, make_mine(session))
    april = scorecard_service.figures(session, period=periods.month("2025-04", TZ))[mine.team.id]
    assert (april["overdue"], april["about"], april["closed_on_time"], april["closed_late"]) == (1, 0, 0, 0)


def test_periods_follow_the_mines_calendar() -> None:
    march = periods.month("2025-03", TZ)
    assert (march.first, march.last, march.start.utcoffset().total_seconds()) == (date(2025, 3, 1),
                                                                                   date(2025, 3, 31), 8 * 3600)
    assert periods.previous_month("2025-01") == "2024-12"
    assert periods.previous_ten_days(date(2025, 3, 11), TZ).label == "2025-03-01~2025-03-10"
    assert periods.previous_ten_days(date(2025, 3, 1), TZ).label == "2025-02-21~2025-02-28"
    assert periods.previous_ten_days(date(2025, 3, 25), TZ).first == date(2025, 3, 11)


def test_a_rating_given_at_the_kiosk_counts_like_one_from_the_tracking_page(session: Session) -> None:
    mine = march_work(session, make_mine(session))
    kiosk, _ = make_kiosk(session)
    hazard = make_hazard(session, state=HazardState.closed, now=MARCH, owner=mine.owner, officer=mine.officer,
                         kiosk=kiosk.kiosk_id)
    payload = {"schema": "kiosk-rating/1", "rating_id": str(uuid.uuid4()), "hazard_ref": hazard.ref,
               "rating": "dissatisfied", "at": "2025-03-06T09:00:00+08:00"}
    message = intake.Incoming(topic=f"safety/tianchen/kiosk/{kiosk.kiosk_id}/rating", payload=json.dumps(payload).encode(),
                              received_at=MARCH + timedelta(days=1))
    for _ in range(2):  # delivered twice, counted once
        intake.apply_batch(session, [message], site="tianchen", timezone=TZ)
    crew = scorecard_service.figures(session, period=periods.month("2025-03", TZ))[mine.crew.id].as_dict()
    assert (crew["ratings"], crew["basic"], crew["dissatisfied"], crew["satisfaction_rate"]) == (2, 1, 1, 50.0)
