"""The unit commands, run as an administrator would, and the demo's units."""

from click.testing import CliRunner
from sqlalchemy import text

from safety_service.cli import main
from safety_service.database import get_engine
from tests.core.test_cli import cli  # noqa: F401 - the fixture: a fresh database of the current backend


def test_unit_commands_build_the_tree_and_refuse_bad_input(cli: CliRunner) -> None:  # noqa: F811
    assert cli.invoke(main, ["unit", "add", "MINE", "--name", "田陈煤矿", "--kind", "mine"]).exit_code == 0
    added = cli.invoke(main, ["unit", "add", "ZC1", "--name", "综采一队", "--kind", "team", "--parent", "MINE"])
    assert added.exit_code == 0 and "综采一队" in added.output
    orphan = cli.invoke(main, ["unit", "add", "JJ2", "--name", "掘进二队", "--kind", "team"])
    assert orphan.exit_code == 2 and "parent_code" in orphan.output and len(orphan.output.splitlines()) == 1
    assert cli.invoke(main, ["user", "add", "yang", "--role", "owner", "--password", "long-password",
                             "--employee-no", "4001", "--name", "杨军"]).exit_code == 0
    assert cli.invoke(main, ["unit", "join", "ZC1", "4001"]).exit_code == 0
    assert cli.invoke(main, ["unit", "join", "ZC1", "9999"]).exit_code == 3
    assert cli.invoke(main, ["area", "add", "north", "--name", "北翼采区"]).exit_code == 0
    assert cli.invoke(main, ["unit", "charge", "ZC1", "--area", "north"]).exit_code == 0
    assert cli.invoke(main, ["unit", "charge", "ZC1"]).exit_code == 2
    listed = cli.invoke(main, ["unit", "list"]).output.splitlines()
    assert listed[0].startswith("MINE\tmine") and "ZC1\tteam\t综采一队\tMINE\t-\t1" in listed


def test_the_demo_has_units_and_its_assigned_hazards_name_them(cli: CliRunner) -> None:  # noqa: F811
    assert cli.invoke(main, ["demo"]).exit_code == 0
    with get_engine().connect() as connection:
        names = set(connection.execute(text("SELECT name_zh FROM org_unit")).scalars())
        unassigned = connection.execute(text(
            "SELECT count(*) FROM hazard WHERE owner_id IS NOT NULL AND unit_id IS NULL")).scalar_one()
        assigned = connection.execute(text("SELECT count(*) FROM hazard WHERE unit_id IS NOT NULL")).scalar_one()
    assert {"综采一队", "掘进二队", "机电科", "通风科", "运输队"} <= names
    assert unassigned == 0 and assigned > 0
