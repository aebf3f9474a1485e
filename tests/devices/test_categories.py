"""The category list the service publishes: the kiosk keeps it on disk and its screen offers those buttons."""

from pathlib import Path

from devices.kiosk.app.service import CATEGORIES, AppSettings, KioskApp
from devices.kiosk.payloads import Schemas, report_payload, report_schema
from tests.devices.service import FakeService, clear_retained, wait_until

LIST = {"schema": "categories/1", "site": "x", "published_at": "2026-12-03T08:00:00Z", "categories": [
    {"code": "gas", "name": {"zh": "瓦斯", "en": "Gas"}}, {"code": "heat", "name": {"zh": "热害", "en": None}}]}


def _buttons(app: KioskApp) -> list[tuple[str, str, str]]:
    return [(c["code"], c["zh"], c["en"]) for c in app.state()["categories"]]


def test_the_published_list_replaces_the_built_in_one_and_survives_a_restart_offline(
        down_broker: str, service: FakeService, make_kiosk, site: str, tmp_path: Path) -> None:
    kiosk = make_kiosk()
    app = KioskApp(kiosk, AppSettings())
    assert _buttons(app) == list(CATEGORIES)  # the fallback before the first message
    service.publish("categories", LIST | {"site": site}, retain=True)
    try:
        assert wait_until(lambda: kiosk.categories() is not None, timeout=20)
        assert _buttons(app) == [("gas", "瓦斯", "Gas"), ("heat", "热害", "热害")]
        kiosk.stop()
        offline = make_kiosk(broker_url=down_broker, outbox=tmp_path / "kiosk.db")
        assert _buttons(KioskApp(offline, AppSettings())) == [("gas", "瓦斯", "Gas"), ("heat", "热害", "热害")]
    finally:
        clear_retained([f"safety/{site}/categories"])


def test_a_list_that_fails_its_schema_is_dropped(service: FakeService, make_kiosk, site: str) -> None:
    kiosk = make_kiosk()
    try:
        service.publish("categories", LIST | {"site": site}, retain=True)
        assert wait_until(lambda: kiosk.categories() is not None, timeout=20)
        service.publish("categories", {"schema": "categories/1", "site": site, "categories": "gas"}, retain=True)
        service.publish("categories", LIST | {"site": site, "categories": LIST["categories"][:1]}, retain=True)
        assert wait_until(lambda: len(kiosk.categories() or []) == 1, timeout=20)  # in order: the bad one was dropped
        assert [c["code"] for c in kiosk.categories() or []] == ["gas"]
    finally:
        clear_retained([f"safety/{site}/categories"])


def test_an_urgent_report_says_so_in_both_versions_and_a_plain_one_leaves_it_out() -> None:
    schemas = Schemas.load()
    for payload in (report_payload("瓦斯超限", category="gas", urgent=True),
                    report_payload("顶板冒落", photos=[b"\xff\xd8\xff\xe0"], urgent=True)):
        schemas.validate(report_schema(payload), payload)
        assert payload["urgent"] is True
    assert "urgent" not in report_payload("巷道积水")
