"""The outreach loop end to end on a real Mosquitto: an officer publishes a bulletin, a kiosk that connects
afterwards gets it (retained) and a worker confirms reading it, the read rate moves; a kiosk report is
confirmed and closed, the kiosk gets a notice at each step and the reporter's points are in the ledger."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from devices.kiosk.client import KioskClient, KioskConfig
from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import session_scope
from safety_service.locations import service as locations_service
from safety_service.locations.schemas import AreaCreate, LocationCreate
from safety_service.main import create_app
from safety_service.mqtt.client import MqttService
from safety_service.people.models import Person, Role
from tests.conftest import make_settings
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import wait_until
from tests.mqtt.mosquitto import Mosquitto
from tests.people.builders import auth, make_user


@dataclass
class Mine:
    """One site with an area, a kiosk, two workers and the staff, all committed."""

    site: str
    area_code: str
    kiosk_id: str
    workers: list[str]
    officer: dict[str, str]
    owner: dict[str, str]
    owner_name: str


def _mine(engine: Engine, settings: Settings) -> Mine:
    site = f"e{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        site_row = locations_service.ensure_site(session, code=site, name_zh="测试矿")
        area = locations_service.add_area(session, site=site_row, data=AreaCreate(code=f"A-{site}", name_zh="一采区"))
        location = locations_service.add_location(session, site=site_row, data=LocationCreate(
            code=f"L-{site}", name_zh="副井井口", area_code=area.code))
        kiosk, _ = make_kiosk(session, location=location, site=site, kiosk_id=f"k-{site}")
        workers = [Person(employee_no=f"{site}-{n}", name=f"工人{n}", team="掘进一队", area_id=area.id)
                   for n in range(2)]
        session.add_all(workers)
        officer, owner = make_user(session, role=Role.officer), make_user(session, role=Role.owner)
        return Mine(site, area.code, kiosk.kiosk_id, [w.employee_no for w in workers],
                    auth(officer, settings), auth(owner, settings), owner.username)


@pytest.fixture
def plant(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[tuple[Mine, TestClient, Mosquitto]]:
    broker = Mosquitto(tmp_path).start()
    settings = make_settings(database_url)
    mine = _mine(engine, settings)
    settings = make_settings(database_url, site=mine.site)
    service = MqttService(settings, engine, url=broker.url(), relay_interval=0.2, relay_grace=0)
    service.start()
    try:
        assert service.connected.wait(10)
        with TestClient(create_app(settings, engine, run_scheduler=False, run_mqtt=False)) as client:
            yield mine, client, broker
    finally:
        service.stop()
        broker.stop()


def _kiosk(mine: Mine, broker: Mosquitto, tmp_path: Path) -> KioskClient:
    return KioskClient(KioskConfig(broker_url=broker.url(), site=mine.site, kiosk_id=mine.kiosk_id,
                                   outbox_path=tmp_path / "kiosk.db", resend_interval=2.0, reconnect_max_delay=2))


def _act(client: TestClient, headers: dict[str, str], ref: str, action: str, body: dict) -> None:
    response = client.post(f"/api/v1/hazards/{ref}/{action}", headers=headers, json=body)
    assert response.status_code == 200, response.text


def test_bulletin_read_and_report_feedback_through_mosquitto(plant, tmp_path: Path) -> None:
    mine, client, broker = plant
    created = client.post("/api/v1/bulletins", headers=mine.officer, json={
        "title_zh": "冬季防火", "title_en": "Winter fire safety", "body_zh": "井口房严禁烟火。", "areas": [mine.area_code]})
    bulletin_id = created.json()["id"]
    assert client.post(f"/api/v1/bulletins/{bulletin_id}/publish", headers=mine.officer).status_code == 200
    assert wait_until(lambda: client.get(f"/api/v1/bulletins/{bulletin_id}/reads", headers=mine.officer)
                      .json()["overall"]["audience"] == 2, timeout=5)
    kiosk = _kiosk(mine, broker, tmp_path).start()  # connects only now: the retained message brings the set
    try:
        def shown() -> list[int]:
            received = kiosk.bulletins()
            return [b["id"] for b in received[-1].payload["bulletins"]] if received else []

        assert wait_until(lambda: shown() == [bulletin_id], timeout=20), kiosk.bulletins()
        read = kiosk.confirm_bulletin(bulletin_id, mine.workers[0])
        assert kiosk.wait_done(read, 20) is not None

        def rate() -> float | None:
            return client.get(f"/api/v1/bulletins/{bulletin_id}/reads", headers=mine.officer).json()["overall"]["rate"]

        assert wait_until(lambda: rate() == 0.5, timeout=20)
        kiosk.confirm_bulletin(bulletin_id, mine.workers[0])  # the same worker again: still one reader
        report_id = kiosk.report("副井井口防坠器锈蚀", category="roof", employee_no=mine.workers[1])
        receipt = kiosk.wait_done(report_id, 30)
        assert receipt is not None and receipt.outcome == "accepted", receipt
        ref = receipt.hazard_ref
        _act(client, mine.officer, ref, "confirm", {"grade": "general", "category_code": "roof"})
        deadline = (utc_now() + timedelta(days=2)).isoformat()
        _act(client, mine.officer, ref, "assign", {"owner": mine.owner_name, "measures": "更换防坠器", "funds": "800",
                                                   "deadline": deadline, "contingency_plan": "停用副井"})
        _act(client, mine.owner, ref, "rectified", {"note": "已更换"})
        _act(client, mine.officer, ref, "verify", {"passed": True, "note": "现场验收合格"})
        assert wait_until(lambda: len(kiosk.notices()) == 4, timeout=30), [n.payload for n in kiosk.notices()]
        notices = [n.payload for n in kiosk.notices()]
        assert all(n["hazard_ref"] == ref for n in notices)
        assert notices[0]["title"]["zh"] == "您的隐患举报已核实" and "现场验收合格" in notices[-1]["body"]["zh"]
        assert client.get(f"/api/v1/bulletins/{bulletin_id}/reads", headers=mine.officer).json()["confirmations"] == 1
    finally:
        kiosk.stop()
    ledger = client.get("/api/v1/rewards/ledger", headers=mine.officer, params={"employee_no": mine.workers[1]}).json()
    assert [(e["kind"], e["hazard_ref"]) for e in ledger["data"]] == [("award", ref)]
