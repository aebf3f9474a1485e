"""``safety-service channel …`` and ``user email``: secrets never printed, bad input one line and non-zero."""

from click.testing import CliRunner

from safety_service.cli import main
from tests.core.test_cli import cli  # noqa: F401 - the fixture of a fresh database
from tests.notifications.receivers import Robot


def test_channel_add_list_test_disable(cli: CliRunner, robot: Robot) -> None:  # noqa: F811
    url = robot.url("/cgi-bin/webhook/send?key=very-secret-key-42")
    added = cli.invoke(main, ["channel", "add", "调度室群", "--kind", "wecom", "--url", url, "--events", "urgent"])
    assert added.exit_code == 0, added.output
    assert "very-secret-key" not in added.output
    listed = cli.invoke(main, ["channel", "list"])
    assert "调度室群" in listed.output and "very-secret-key" not in listed.output and "urgent" in listed.output
    tested = cli.invoke(main, ["channel", "test", "调度室群"])
    assert tested.exit_code == 0 and robot.received[0].query == {"key": ["very-secret-key-42"]}
    assert cli.invoke(main, ["channel", "disable", "调度室群"]).exit_code == 0
    assert "off" in cli.invoke(main, ["channel", "list"]).output


def test_a_failed_test_message_exits_non_zero_saying_why(cli: CliRunner, robot: Robot) -> None:  # noqa: F811
    robot.plan = [500]
    cli.invoke(main, ["channel", "add", "hook", "--kind", "webhook", "--url", robot.url("/h")])
    tested = cli.invoke(main, ["channel", "test", "hook"])
    assert tested.exit_code == 1 and "HTTP 500" in tested.output


def test_bad_input_is_one_line_naming_the_field(cli: CliRunner) -> None:  # noqa: F811
    bad = cli.invoke(main, ["channel", "add", "x", "--kind", "email", "--url", "smtp://mail.example.cn"])
    assert bad.exit_code == 2 and "from=" in bad.output and len(bad.output.strip().splitlines()) == 1
    bad = cli.invoke(main, ["channel", "add", "y", "--kind", "wecom", "--url", "https://h.example.cn/x",
                            "--events", "nonsense"])
    assert bad.exit_code == 2 and "events" in bad.output
    assert cli.invoke(main, ["channel", "test", "missing"]).exit_code == 3
    assert cli.invoke(main, ["user", "add", "disp", "--role", "dispatcher", "--password", "long-password"]).exit_code == 0
    assert cli.invoke(main, ["user", "email", "disp", "not-an-address"]).exit_code == 2
    assert cli.invoke(main, ["user", "email", "disp", "disp@mine.example.cn"]).exit_code == 0
