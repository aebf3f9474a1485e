"""The kiosks get the standard hazard library (隐患标准库) as a retained message: queued when an admin adds,
changes or retires an item, and at start when the kiosks never had the current one."""

import json
import uuid

from sqlmodel import Session, col, select

from safety_service.clock import utc_now
from safety_service.hazards import library
from safety_service.hazards.library import LibraryItemCreate, LibraryItemUpdate
from safety_service.outbox.models import OutboxMessage
from safety_service.people.models import Role
from safety_service.protocol.retained import HazardLibrary
from safety_service.protocol.topics import hazard_library_topic, is_retained
from tests.people.builders import make_user


def _site() -> str:
    return f"lib{uuid.uuid4().hex[:8]}"  # a topic of its own: only this test's messages are on it


def _published(session: Session, site: str) -> list[HazardLibrary]:
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.topic == hazard_library_topic(site))
                        .order_by(col(OutboxMessage.id))).all()
    assert all(row.retain for row in rows)
    return [HazardLibrary.model_validate(json.loads(row.payload)) for row in rows]


def _titles(message: HazardLibrary) -> set[str]:
    return {item.title for item in message.items}


def test_adding_changing_and_retiring_an_item_publishes_the_library_again(session: Session) -> None:
    site, admin = _site(), make_user(session, role=Role.admin)
    title = f"提升机闸瓦间隙超限{uuid.uuid4().hex[:6]}"
    item = library.add_item(session, data=LibraryItemCreate(category_code="transport", title=title, level="B",
                                                            fix_days=2), actor=admin, site=site)
    [added] = _published(session, site)
    [entry] = [i for i in added.items if i.id == item.id]
    assert (entry.title, entry.category, entry.grade, entry.level) == (title, "transport", "general", "B")
    assert added.site == site and is_retained(hazard_library_topic(site))
    library.update_item(session, item_id=item.id, data=LibraryItemUpdate(title=title + "（已改）"), actor=admin,
                        site=site)
    library.update_item(session, item_id=item.id, data=LibraryItemUpdate(active=False), actor=admin, site=site)
    _, changed, retired = _published(session, site)
    assert title + "（已改）" in _titles(changed) and title not in _titles(changed)
    assert not {i.title for i in retired.items if i.id == item.id}
    assert len(retired.items) == len(changed.items) - 1


def test_at_start_the_library_is_queued_only_when_the_kiosks_lack_the_current_one(session: Session) -> None:
    site, admin = _site(), make_user(session, role=Role.admin)
    first = library.ensure_published(session, site=site, now=utc_now())
    assert first is not None and len(_published(session, site)) == 1
    assert library.ensure_published(session, site=site, now=utc_now()) is None
    item = library.add_item(session, data=LibraryItemCreate(category_code="roof", title=f"顶板离层{uuid.uuid4().hex[:6]}",
                                                            fix_days=3), actor=admin, site="elsewhere")
    again = library.ensure_published(session, site=site, now=utc_now())  # changed behind the kiosks' back
    assert again is not None and item.title in _titles(_published(session, site)[-1])
