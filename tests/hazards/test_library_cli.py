"""``safety-service library add|list``: an administrator keeps the standard hazard library from the command line."""

from click.testing import CliRunner

from safety_service.cli import main
from tests.core.test_cli import cli  # noqa: F401 - the fixture of a fresh database


def test_library_add_and_list(cli: CliRunner) -> None:  # noqa: F811
    assert cli.invoke(main, ["user", "add", "root", "--role", "admin", "--password", "long-password"]).exit_code == 0
    assert cli.invoke(main, ["user", "add", "zhao", "--role", "officer", "--password", "long-password"]).exit_code == 0
    args = ["library", "add", "--category", "rock_burst", "--title", "防冲钻孔未按设计施工", "--level", "A",
            "--fix-days", "2", "--report-type", "unsafe_act"]
    added = cli.invoke(main, [*args, "--by", "root"])
    assert added.exit_code == 0 and "防冲钻孔未按设计施工" in added.stdout, added.output
    refused = cli.invoke(main, [*args, "--by", "zhao"])
    assert refused.exit_code != 0 and "may not change" in refused.output
    again = cli.invoke(main, [*args, "--by", "root"])
    assert again.exit_code != 0 and "title" in again.output
    bad = cli.invoke(main, [*args[:3], "nope", *args[4:], "--by", "root"])
    assert bad.exit_code != 0 and "category_code" in bad.output
    listed = cli.invoke(main, ["library", "list", "--category", "rock_burst"])
    lines = listed.stdout.splitlines()
    assert listed.exit_code == 0 and len(lines) >= 5 and all("\trock_burst\t" in line for line in lines)
    assert any(line.endswith("防冲钻孔未按设计施工") and "\tA\t2\tunsafe_act\tactive\t" in line for line in lines)
