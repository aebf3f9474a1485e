"""``GET /metrics``: only with the token, in the Prometheus text format, and the figures move with what happens
(requests by route template, reports by channel, open and overdue hazards, the outbox, dead letters, kiosks,
scheduler runs). The app works in the rolled-back test session, the scrape's database counts included."""

import json
import re
import tempfile
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.openmetrics import parser as openmetrics_parser
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from safety_service.clock import utc_now
from safety_service.config import Settings
from safety_service.database import make_engine
from safety_service.hazards.states import Grade, HazardState
from safety_service.main import create_app
from safety_service.mqtt import intake
from safety_service.pages import views as pages_views
from safety_service.qr import tokens
from safety_service.scheduler import Scheduler
from tests.conftest import make_settings, use_session
from tests.hazards.builders import make_hazard
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location
from tests.pages.conftest import InlineWriter
from tests.people.builders import auth, make_user
from tests.scrape import TOKEN, parse, scrape, value


@pytest.fixture
def watched(settings: Settings, engine: Engine, session: Session) -> Iterator[TestClient]:
    """The app with SAFETY_METRICS_TOKEN set, on the rolled-back test session (QR reports applied inline)."""
    app = create_app(settings.model_copy(update={"metrics_token": TOKEN}), engine, run_scheduler=False)
    use_session(app, session)
    app.dependency_overrides[pages_views.get_report_writer] = lambda: InlineWriter(session, settings.timezone)
    with TestClient(app) as client:
        yield client


def test_without_the_setting_there_is_no_metrics_endpoint(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-of-the-same-sort-0123", f"Basic {TOKEN}",
                                    f"Bearer {TOKEN}x", "Bearer "])
def test_without_the_token_a_scrape_is_refused(watched: TestClient, header: str | None) -> None:
    answer = watched.get("/metrics", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    assert "safety_" not in answer.text and "SAFETY_METRICS_TOKEN" in answer.json()["detail"]


def test_a_short_token_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="SAFETY_METRICS_TOKEN must be at least 16"):
        make_settings("sqlite://", metrics_token="short")


def test_metrics_are_not_in_the_api_schema(watched: TestClient) -> None:
    assert "/metrics" not in watched.get("/openapi.json").json()["paths"]


def test_a_scraper_asking_for_openmetrics_gets_it(watched: TestClient) -> None:
    answer = watched.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}",
                                              "Accept": "application/openmetrics-text; version=1.0.0"})
    assert answer.headers["content-type"].startswith("application/openmetrics-text")
    families = {family.name for family in openmetrics_parser.text_string_to_metric_families(answer.text)}
    assert {"safety_http_requests", "safety_hazards_open", "safety_reports"} <= families


def test_requests_are_counted_by_route_template_and_status_never_by_raw_path(
        watched: TestClient, session: Session, settings: Settings) -> None:
    headers = auth(make_user(session), settings)
    before = scrape(watched)
    for ref in ("YH-2026-900001", "YH-2026-900002", "YH-2026-900003"):
        assert watched.get(f"/api/v1/hazards/{ref}", headers=headers).status_code == 404
    assert watched.get("/api/v1/hazards", headers=headers).status_code == 200
    assert watched.get("/no/such/page/4711").status_code == 404
    assert watched.delete("/healthz").status_code == 405
    text = watched.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    after = parse(text)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("safety_http_requests_total", method="GET", route="/api/v1/hazards/{ref}", status="404") == 3
    assert moved("safety_http_requests_total", method="GET", route="/api/v1/hazards", status="200") == 1
    assert moved("safety_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert moved("safety_http_requests_total", method="DELETE", route="/healthz", status="405") == 1
    assert moved("safety_http_request_duration_seconds_count", method="GET", route="/api/v1/hazards/{ref}") == 3
    assert moved("safety_http_request_duration_seconds_bucket", method="GET", route="/api/v1/hazards/{ref}",
                 le="+Inf") == 3
    labels = {label for _name, sample_labels in after for pair in sample_labels for label in pair}
    assert not {label for label in labels if "900001" in label or "4711" in label}  # no id or raw path is a label


def test_requests_a_limit_refuses_before_routing_carry_their_route(settings: Settings, engine: Engine,
                                                                   session: Session) -> None:
    app = create_app(settings.model_copy(update={"metrics_token": TOKEN, "public_rate_per_minute": 2}), engine,
                     run_scheduler=False)
    use_session(app, session)
    with TestClient(app) as client:
        answers = [client.get(f"/t/CODE{n:04d}", follow_redirects=False).status_code for n in range(4)]
        assert answers.count(429) == 2
        samples = scrape(client)
    assert value(samples, "safety_http_requests_total", method="GET", route="/t/{tracking_code}", status="429") == 2


def test_each_app_has_its_own_registry(settings: Settings, engine: Engine, watched: TestClient) -> None:
    other = create_app(settings.model_copy(update={"metrics_token": TOKEN}), engine, run_scheduler=False)
    with TestClient(other) as client:
        for _ in range(3):
            client.get("/healthz")
        assert value(scrape(client), "safety_http_requests_total", method="GET", route="/healthz", status="200") == 3
    assert value(scrape(watched), "safety_http_requests_total", method="GET", route="/healthz", status="200") == 0


def test_reports_are_counted_by_channel_and_outcome(watched: TestClient, session: Session,
                                                    settings: Settings) -> None:
    location, officer = make_location(session), make_user(session)
    before = scrape(watched)
    page = "/r/" + tokens.sign(tokens.keyring(settings), location.code)
    form = {"description": "顶板有裂缝，锚杆松动", "category": "roof", "client_report_id": str(uuid.uuid4())}
    assert [watched.post(page, data=form).status_code for _ in range(2)] == [201, 200]  # the resubmit: same report
    finding = {"location_code": location.code, "description": "巷道积水", "source": "inspection",
               "client_report_id": f"round-{uuid.uuid4().hex[:12]}"}
    for expected in (201, 200):
        assert watched.post("/api/v1/hazards", json=finding, headers=auth(officer, settings)).status_code == expected
    after = scrape(watched)

    def moved(channel: str, outcome: str) -> float:
        return value(after, "safety_reports_total", channel=channel, outcome=outcome) \
            - value(before, "safety_reports_total", channel=channel, outcome=outcome)

    assert (moved("qr", "created"), moved("qr", "duplicate")) == (1, 1)
    assert (moved("inspection", "created"), moved("inspection", "duplicate")) == (1, 1)
    assert moved("console", "created") == 0


def test_open_and_overdue_hazards_by_grade_are_read_at_scrape_time(watched: TestClient, session: Session) -> None:
    before, now = scrape(watched), utc_now()
    make_hazard(session)  # reported: open, not yet graded
    make_hazard(session, state=HazardState.rectifying, grade=Grade.major, now=now - timedelta(days=3),
                deadline=now - timedelta(hours=2))
    make_hazard(session, state=HazardState.rectifying, grade=Grade.general, deadline=now + timedelta(days=2))
    make_hazard(session, state=HazardState.closed, grade=Grade.major)
    after = scrape(watched)

    def moved(name: str, grade: str) -> float:
        return value(after, name, grade=grade) - value(before, name, grade=grade)

    assert [moved("safety_hazards_open", g) for g in ("none", "general", "major")] == [1, 1, 1]
    assert [moved("safety_hazards_overdue", g) for g in ("none", "general", "major")] == [0, 0, 1]
    assert value(after, "safety_metrics_database_ok") == 1


def _message(site: str, kiosk_id: str, kind: str, payload: bytes) -> intake.Incoming:
    return intake.Incoming(topic=f"safety/{site}/kiosk/{kiosk_id}/{kind}", payload=payload, received_at=utc_now())


def test_outbox_dead_letters_and_kiosks_are_read_at_scrape_time(watched: TestClient, session: Session,
                                                                settings: Settings) -> None:
    (online, _), (quiet, _) = make_kiosk(session), make_kiosk(session)
    before = scrape(watched)
    report = json.dumps({"schema": "kiosk-report/1", "report_id": str(uuid.uuid4()), "description": "防坠器锈蚀",
                         "created_at": "2026-11-24T08:00:00+08:00"}).encode()
    status = b'{"schema": "kiosk-status/1", "state": "online", "version": "1.0.0"}'
    intake.apply_batch(session, [_message(settings.site, online.kiosk_id, "status", status),
                                 _message(settings.site, online.kiosk_id, "report", report),
                                 _message(settings.site, quiet.kiosk_id, "report", b"{not json")],
                       site=settings.site, timezone=settings.timezone)
    after = scrape(watched)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("safety_kiosks", status="online") == 1 and moved("safety_kiosks", status="unknown") == -1
    assert moved("safety_mqtt_outbox_pending", kind="ack") == 2  # the report's ack and the bad one's error ack
    assert moved("safety_mqtt_dead_letters") == 1
    assert value(after, "safety_mqtt_outbox_oldest_pending_age_seconds") >= 0
    assert value(after, "safety_batch_waiting", writer="qr-page") == 0


def test_scheduler_runs_and_their_errors_are_counted_per_job(watched: TestClient, engine: Engine,
                                                             settings: Settings) -> None:
    class Broken(Scheduler):
        def jobs(self):
            def boom(session, **_):
                raise RuntimeError("job failed")
            return [("broken", boom)]

    metrics = watched.app.state.metrics
    watched.app.state.scheduler.run_once()
    Broken(engine, settings, metrics=metrics).run_once()
    Broken(engine, settings, metrics=metrics).run_once()
    samples = scrape(watched)
    assert value(samples, "safety_scheduler_job_runs_total", job="escalate_overdue") == 1
    assert value(samples, "safety_scheduler_job_errors_total", job="escalate_overdue") == 0
    assert value(samples, "safety_scheduler_job_last_success_timestamp_seconds", job="escalate_overdue") > 0
    assert value(samples, "safety_scheduler_job_runs_total", job="broken") == 2
    assert value(samples, "safety_scheduler_job_errors_total", job="broken") == 2
    assert ("safety_scheduler_job_last_success_timestamp_seconds", frozenset({("job", "broken")})) not in samples
    assert value(samples, "safety_scheduler_job_duration_seconds_count", job="broken") == 2


def test_a_database_that_fails_leaves_the_scrape_answering_without_its_counts() -> None:
    missing = tempfile.mkdtemp(prefix="safety-metrics-") + "/no/such/folder/safety.db"
    settings = make_settings(f"sqlite:///{missing}", metrics_token=TOKEN)
    engine = make_engine(settings)
    try:
        with TestClient(create_app(settings, engine, run_scheduler=False, run_mqtt=False)) as client:
            answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        engine.dispose()
    assert answer.status_code == 200
    samples = parse(answer.text)
    assert value(samples, "safety_metrics_database_ok") == 0
    assert not any(name.startswith("safety_hazards_") for name, _ in samples)
    assert re.search(r"^safety_process_resident_memory_bytes \S+$", answer.text, re.MULTILINE)
