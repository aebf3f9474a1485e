"""The kiosk keeps the service's hazard library (隐患标准库) and public list of awards (奖励公示) on disk: the report
screen offers library matches by text even after a restart without the network, a chosen match goes out with the
report, the idle rotation shows the awards still inside their window; and the screen's unsafe-behaviour fields."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from devices.kiosk.app.service import AppSettings, BadRequest, KioskApp
from tests.devices.service import FakeService, clear_retained, wait_until

LIBRARY = {"schema": "hazard-library/1", "site": "x", "published_at": "2026-12-03T08:00:00Z", "items": [
    {"id": 1, "category": "roof", "title": "顶板离层、裂缝未及时处理", "grade": "general", "level": "B"},
    {"id": 21, "category": "electromechanical", "title": "防爆电气设备失爆", "grade": "general", "level": "B"},
    {"id": 22, "category": "transport", "title": "架空乘人装置托绳轮缺失", "grade": "general", "level": "C"}]}


def _awards(site: str, *decided: datetime) -> dict:
    return {"schema": "awards/1", "site": site, "published_at": "2026-12-03T08:00:00Z", "days": 90, "awards": [
        {"decided_at": at.isoformat(), "location": "主井井口", "grade": "general", "report_type": "unsafe_act",
         "amount": "200.00", "name": "李强" if number == 0 else None} for number, at in enumerate(decided)]}


def test_the_library_is_matched_by_text_and_still_offline_after_a_restart(
        down_broker: str, service: FakeService, make_kiosk, site: str, tmp_path: Path) -> None:
    kiosk = make_kiosk()
    app = KioskApp(kiosk, AppSettings())
    assert app.state()["library_items"] == 0 and app.library_matches("顶板有裂缝", None) == []
    service.publish("hazard-library", LIBRARY | {"site": site}, retain=True)
    try:
        assert wait_until(lambda: app.state()["library_items"] == 3, timeout=20)
        [best, *_] = app.library_matches("顶板有裂缝，离层了", None)
        assert best["id"] == 1 and 0 < best["score"] <= 1
        assert app.library_matches("顶板有裂缝", "transport") == []  # only the chosen category's items
        assert app.library_matches("顶", None) == []  # one character matches everything and helps nobody
        kiosk.stop()
        offline = make_kiosk(broker_url=down_broker, outbox=tmp_path / "kiosk.db")
        assert not offline.connected
        assert [m["id"] for m in KioskApp(offline, AppSettings()).library_matches("电气设备失爆了", None)] == [21]
    finally:
        clear_retained([f"safety/{site}/hazard-library"])


def test_a_chosen_match_goes_out_with_the_report_as_version_3(down_broker: str, make_kiosk, tmp_path: Path) -> None:
    kiosk = make_kiosk(broker_url=down_broker)
    app = KioskApp(kiosk, AppSettings())
    answer = app.submit({"report_id": "6f1f0c6e-8a43-4f0e-9d55-3f7f6f0d9a21", "category": "electromechanical",
                         "description": "防爆电气设备失爆：开关盖板少两颗螺丝", "library_item": 21})
    payload = kiosk.outbox.get(answer["report_id"]).payload
    assert payload["schema"] == "kiosk-report/3" and payload["library_item"] == 21
    for bad in ("21", True, 0, 2**31):
        with pytest.raises(BadRequest) as refused:
            app.submit({"report_id": "7f1f0c6e-8a43-4f0e-9d55-3f7f6f0d9a21", "description": "x", "library_item": bad})
        assert refused.value.field == "library_item"


def test_an_unsafe_behaviour_report_carries_when_and_the_name_if_given(down_broker: str, make_kiosk) -> None:
    kiosk = make_kiosk(broker_url=down_broker)
    app = KioskApp(kiosk, AppSettings())
    answer = app.submit({"report_id": "8f1f0c6e-8a43-4f0e-9d55-3f7f6f0d9a21", "description": "违章指挥：班长让人空顶作业",
                         "behaviour_at": "2026-12-03T07:40:00+08:00", "behaviour_person": " 王班长 "})
    payload = kiosk.outbox.get(answer["report_id"]).payload
    assert payload["behaviour_at"] == "2026-12-02T23:40:00+00:00" and payload["behaviour_person"] == "王班长"
    assert answer["behaviour"] is True and "urgent" not in payload
    for body, field in (({"behaviour_at": "2026-12-03T07:40:00"}, "behaviour_at"),
                        ({"behaviour_at": "yesterday"}, "behaviour_at"), ({"behaviour_at": 5}, "behaviour_at"),
                        ({"behaviour_person": "王班长"}, "behaviour_at"),
                        ({"behaviour_at": "2026-12-03T07:40:00Z", "behaviour_person": "王" * 65}, "behaviour_person")):
        with pytest.raises(BadRequest) as refused:
            app.submit({"report_id": "9f1f0c6e-8a43-4f0e-9d55-3f7f6f0d9a21", "description": "x", **body})
        assert refused.value.field == field


def test_the_rotation_shows_the_awards_inside_their_window_and_keeps_them_offline(
        down_broker: str, service: FakeService, make_kiosk, site: str, tmp_path: Path) -> None:
    kiosk = make_kiosk()
    app = KioskApp(kiosk, AppSettings())
    assert app.state()["awards"] == []
    now = datetime.now(UTC)
    service.publish("awards", _awards(site, now - timedelta(days=1), now - timedelta(days=91)), retain=True)
    try:
        assert wait_until(lambda: kiosk.awards() is not None, timeout=20)
        [line] = app.state()["awards"]  # the one approved 91 days ago is past the list's 90 days
        assert (line["name"], line["amount"]) == ("李强", "200.00")
        kiosk.stop()
        offline = make_kiosk(broker_url=down_broker, outbox=tmp_path / "kiosk.db")
        assert len(KioskApp(offline, AppSettings()).state()["awards"]) == 1
    finally:
        clear_retained([f"safety/{site}/awards"])
