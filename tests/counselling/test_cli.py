"""``safety-service violation add``: a supervisor's violation from the command line opens a case."""

from click.testing import CliRunner
from sqlalchemy import text

from safety_service.cli import main
from safety_service.database import get_engine
from tests.core.test_cli import cli  # noqa: F401 - the fixture of a fresh database


def test_violation_add_records_and_opens_a_case(cli: CliRunner) -> None:  # noqa: F811
    assert cli.invoke(main, ["location", "add", "WF-1", "--name", "综采工作面"]).exit_code == 0
    assert cli.invoke(main, ["user", "add", "li", "--role", "supervisor", "--password", "long-password",
                             "--employee-no", "2001", "--name", "李强"]).exit_code == 0
    assert cli.invoke(main, ["user", "add", "wang", "--role", "miner", "--password", "long-password",
                             "--employee-no", "1001", "--name", "王五"]).exit_code == 0
    args = ["violation", "add", "1001", "--kind", "illegal_operation", "--location", "WF-1",
            "--description", "空顶作业"]
    added = cli.invoke(main, [*args, "--by", "li"])
    assert added.exit_code == 0 and "recorded for 1001" in added.stdout, added.output
    refused = cli.invoke(main, [*args, "--by", "wang"])
    assert refused.exit_code == 5 and "may not record" in refused.output
    unknown = cli.invoke(main, ["violation", "add", "9999", *args[3:], "--by", "li"])
    assert unknown.exit_code == 2 and "employee_no" in unknown.output
    with get_engine().connect() as connection:
        assert connection.execute(text("SELECT state FROM counselling_case")).scalars().all() == ["opened"]
