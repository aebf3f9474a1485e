"""The ``safety-kiosk`` command against the real Mosquitto."""

from pathlib import Path

from click.testing import CliRunner, Result

from devices.kiosk.cli import cli
from tests.devices.service import BROKER_URL, FakeService, ack_for


def run(site: str, outbox: Path, *args: str, broker: str = BROKER_URL) -> Result:
    base = ["--broker", broker, "--site", site, "--kiosk", f"k1-{site}", "--outbox", str(outbox)]
    return CliRunner().invoke(cli, [*base, *args], catch_exceptions=False)


def test_report_prints_the_ack_in_both_languages(service: FakeService, tmp_path: Path) -> None:
    result = run(service.site, tmp_path / "o.db", "report", "--description", "顶板有裂缝", "--category", "roof",
                 "--employee-no", "1001", "--wait", "5")
    assert result.exit_code == 0, result.output
    report_id = service.reports[0]["report_id"]
    assert f"隐患编号 YH-2026-{report_id[:8].upper()}" in result.output
    assert f"tracking code TC{report_id[:8].upper()}" in result.output
    assert "urgent" not in service.reports[0] and "dispatch room" not in result.output


def test_an_urgent_report_says_so_and_the_answer_says_the_dispatch_room_was_alerted(
        service: FakeService, tmp_path: Path) -> None:
    result = run(service.site, tmp_path / "o.db", "report", "--description", "回风巷瓦斯浓度超限", "--category", "gas",
                 "--urgent", "--wait", "5")
    assert result.exit_code == 0, result.output
    assert service.reports[0]["urgent"] is True
    assert "调度室已收到通知" in result.output and "the dispatch room has been alerted" in result.output


def test_an_offline_report_is_saved_listed_and_sent_by_the_next_run(down_broker: str, service: FakeService, tmp_path: Path) -> None:
    outbox = tmp_path / "o.db"
    offline = run(service.site, outbox, "report", "--description", "风门损坏", "--wait", "0.2",
                  broker=down_broker)
    assert offline.exit_code == 2 and "will be resent" in offline.output
    listed = run(service.site, outbox, "pending")
    assert "风门损坏" in listed.output and "sent 0x" in listed.output
    run(service.site, outbox, "listen", "--seconds", "1.5")
    assert "Nothing waiting" in run(service.site, outbox, "pending").output


def test_a_rejected_report_exits_3_with_the_reason(service: FakeService, tmp_path: Path) -> None:
    error = {"code": "not_found", "field": "location_code", "message": "unknown location"}
    service.policy = lambda report, delivery: [ack_for(report, "rejected", error)]
    result = run(service.site, tmp_path / "o.db", "report", "--description", "x", "--location", "NOPE")
    assert result.exit_code == 3 and "Rejected: unknown location (not_found)" in result.output


def test_listen_shows_the_bulletin(service: FakeService, tmp_path: Path) -> None:
    bulletin = {"schema": "bulletin/1", "site": service.site, "published_at": "2026-11-24T00:00:00Z",
                "bulletins": [{"id": 7, "title": {"zh": "冬季防火", "en": "Winter fire safety"},
                               "body": {"zh": "井口房严禁烟火。"}}]}
    service.publish("bulletin", bulletin, retain=True)
    try:
        result = run(service.site, tmp_path / "o.db", "listen", "--seconds", "1")
    finally:
        service.client.publish(f"safety/{service.site}/bulletin", b"", qos=1, retain=True)
    assert "公告 7：冬季防火" in result.output and "Bulletin 7: Winter fire safety" in result.output


def test_read_bulletin_confirms(service: FakeService, tmp_path: Path) -> None:
    result = run(service.site, tmp_path / "o.db", "read-bulletin", "7", "--employee-no", "1001")
    assert result.exit_code == 0 and "Reading of bulletin 7 confirmed" in result.output


def test_mistakes_get_a_clear_message(down_broker: str, tmp_path: Path) -> None:
    bad_url = run("s1", tmp_path / "o.db", "report", "--description", "x", broker="http://nowhere")
    assert bad_url.exit_code == 1 and "Error: broker URL must look like" in bad_url.output
    bad_category = run("s1", tmp_path / "o.db", "report", "--description", "x", "--category", "有 空格",
                       broker=down_broker)
    assert bad_category.exit_code == 1 and "category" in bad_category.output
