"""The family messages (亲情寄语) the service publishes: the kiosk keeps the current set and its idle rotation
shows them; a set that fails its schema is dropped, an empty set empties the rotation."""

from pathlib import Path

from devices.kiosk.app.service import AppSettings, KioskApp
from tests.devices.service import FakeService, clear_retained, wait_until

SET = {"schema": "family-messages/1", "site": "x", "published_at": "2026-12-03T08:00:00Z", "messages": [
    {"id": 4, "text": "老王，安全第一，我们等你平安回家。", "signature": "妻子", "photo": "/9j/4AAQSkZJRg=="},
    {"id": 2, "text": "爸爸，注意安全！", "signature": "女儿", "photo": None}]}


def test_the_rotation_shows_the_published_messages_and_keeps_them_offline(
        down_broker: str, service: FakeService, make_kiosk, site: str, tmp_path: Path) -> None:
    kiosk = make_kiosk()
    app = KioskApp(kiosk, AppSettings())
    assert app.state()["family_messages"] == []
    service.publish("family-messages", SET | {"site": site}, retain=True)
    try:
        assert wait_until(lambda: len(kiosk.family_messages()) == 2, timeout=20)
        assert [(m["text"], m["signature"]) for m in app.state()["family_messages"]] == [
            ("老王，安全第一，我们等你平安回家。", "妻子"), ("爸爸，注意安全！", "女儿")]
        kiosk.stop()
        offline = make_kiosk(broker_url=down_broker, outbox=tmp_path / "kiosk.db")
        assert len(KioskApp(offline, AppSettings()).state()["family_messages"]) == 2
    finally:
        clear_retained([f"safety/{site}/family-messages"])


def test_a_bad_set_is_dropped_and_an_empty_one_empties_the_rotation(service: FakeService, make_kiosk,
                                                                     site: str) -> None:
    kiosk = make_kiosk()
    try:
        service.publish("family-messages", SET | {"site": site}, retain=True)
        assert wait_until(lambda: len(kiosk.family_messages()) == 2, timeout=20)
        service.publish("family-messages", SET | {"site": site, "messages": [{"id": 1, "text": ""}]}, retain=True)
        service.publish("family-messages", SET | {"site": site, "messages": SET["messages"][1:]}, retain=True)
        assert wait_until(lambda: len(kiosk.family_messages()) == 1, timeout=20)  # in order: the bad one was dropped
        service.publish("family-messages", SET | {"site": site, "messages": []}, retain=True)
        assert wait_until(lambda: kiosk.family_messages() == [], timeout=20)
    finally:
        clear_retained([f"safety/{site}/family-messages"])
