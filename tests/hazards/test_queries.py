"""The list's query paths, beyond what the API tests see."""

import pytest
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.hazards import queries
from safety_service.hazards.schemas import HazardFilters
from safety_service.people.models import Role
from tests.hazards.builders import make_hazard
from tests.locations.builders import make_location
from tests.people.builders import make_user


def test_newest_first_search_pages_are_the_same_whichever_id_window_fills_them(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    officer, location = make_user(session, role=Role.officer), make_location(session)
    made = [make_hazard(session, location=location, description="顶板裂缝掉渣" if i % 3 == 0 else "皮带跑偏")
            for i in range(12)]
    newest_first = [h.ref for h in reversed(made) if h.description.startswith("顶板")]
    probed: list[int] = []
    real = queries._newest_matches_first
    monkeypatch.setattr(queries, "_newest_matches_first", lambda *a, **k: probed.append(1) or real(*a, **k))
    monkeypatch.setattr(queries, "ID_WINDOWS", (2, 5))  # the newest two ids hold no match, five hold one
    for limit, offset in ((1, 0), (2, 0), (2, 1), (3, 1), (50, 0), (2, 3), (2, 10)):
        filters = HazardFilters(q="顶板裂缝", location=location.code, limit=limit, offset=offset)
        page = queries.list_hazards(session, filters=filters, user=officer, now=utc_now())
        assert [row["ref"] for row in page["data"]] == newest_first[offset:offset + limit], (limit, offset)
        assert (page["count"], page["count_capped"]) == (4, False)
    # PostgreSQL probes the newest ids first; SQLite's FTS5 hands over matches newest first itself.
    assert bool(probed) == (session.get_bind().dialect.name == "postgresql")
    none = queries.list_hazards(session, filters=HazardFilters(q="突水", location=location.code), user=officer,
                                now=utc_now())
    assert (none["data"], none["count"]) == ([], 0)
