"""`serve` is the whole product: the web app, the embedded broker and the kiosk intake in one process."""

import uuid
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient as WebClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from devices.kiosk.client import KioskClient, KioskConfig
from safety_service.cli import main
from safety_service.config import Settings, get_settings
from safety_service.database import session_scope
from safety_service.hazards.models import Hazard
from safety_service.main import create_app
from tests.conftest import make_settings
from tests.kiosks.builders import make_kiosk
from tests.mqtt.clients import wait_until
from tests.mqtt.mosquitto import free_port


def test_a_kiosk_reports_through_the_embedded_broker_of_the_app(engine: Engine, settings: Settings,
                                                                tmp_path: Path) -> None:
    site = f"e{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        kiosk, credentials = make_kiosk(session, site=site)
    app_settings = make_settings(settings.database_url, site=site, mqtt_enabled=True, mqtt_url="embedded",
                                 mqtt_embedded_port=free_port())
    app = create_app(app_settings, engine, run_scheduler=False)
    with WebClient(app) as web:
        assert web.get("/healthz").status_code == 200
        config = KioskConfig(broker_url=f"mqtt://127.0.0.1:{app_settings.mqtt_embedded_port}", site=site,
                             kiosk_id=kiosk.kiosk_id, outbox_path=tmp_path / "kiosk.db", protocol="3.1.1",
                             username=credentials.username, password=credentials.password, resend_interval=2)
        with KioskClient(config) as client:
            report_id = client.report("一号井口罐笼信号异常", category="electromechanical")
            assert client.wait_all_acked(30)
            [receipt] = client.receipts()
            # the service queued the category list at start; the embedded broker lets the kiosk read it
            assert wait_until(lambda: client.categories() is not None, timeout=10)
            assert "gas" in [c["code"] for c in client.categories() or []]
            # and the standard hazard library (the seeded items) and the public list of awards (none at a new site)
            assert wait_until(lambda: client.hazard_library() and client.awards() is not None, timeout=10)
            assert "防爆电气设备失爆" in [item["title"] for item in client.hazard_library()]
            assert client.awards()["awards"] == [] and client.awards()["site"] == site
    assert receipt.key == report_id and receipt.outcome == "accepted"
    with Session(engine) as session:
        hazard = session.exec(select(Hazard).where(Hazard.ref == receipt.hazard_ref)).one()
    assert hazard.source == "kiosk" and hazard.tracking_code == receipt.tracking_code


def test_serve_names_the_setting_when_the_embedded_port_is_taken(monkeypatch, settings: Settings,
                                                                  tmp_path: Path) -> None:
    import socket

    import uvicorn

    from safety_service import migrate
    from safety_service.database import get_engine, make_engine

    url = f"sqlite:///{tmp_path / 'serve.db'}"  # a database of its own, migrated: the port is what is tried
    engine = make_engine(make_settings(url))
    migrate.upgrade(engine)
    engine.dispose()

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: (_ for _ in ()).throw(AssertionError("started")))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv("SAFETY_DATABASE_URL", url)
        monkeypatch.setenv("SAFETY_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("SAFETY_MQTT_EMBEDDED_PORT", str(taken.getsockname()[1]))
        get_settings.cache_clear(), get_engine.cache_clear()  # the process-wide engine follows these settings
        try:
            result = CliRunner().invoke(main, ["serve", "--port", str(free_port())])
        finally:
            get_settings.cache_clear(), get_engine.cache_clear()
    assert result.exit_code != 0
    assert "SAFETY_MQTT_EMBEDDED_PORT" in result.output and "Traceback" not in result.output
