"""Every command given what an operator's typo or a tampered file gives it: a non-zero exit, one line, no traceback,
and nothing stored."""

import datetime
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook
from sqlalchemy import text

from safety_service.cli import main
from safety_service.database import get_engine
from safety_service.risks.sheets import COLUMNS
from tests.core.test_cli import cli  # noqa: F401 - the fixture: a fresh database of the current backend

LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\dT")  # a log line on stderr is not part of the error
LONG = "x" * 100_000
SEED = [("user", "add", "admin", "--role", "admin", "--password", "long-password"),
        ("user", "add", "wang", "--role", "officer", "--password", "long-password", "--employee-no", "1001",
         "--name", "王"),
        ("area", "add", "north", "--name", "北翼"), ("location", "add", "PH-1", "--name", "主井", "--area", "north")]
VIOLATION = ("violation", "add", "1001", "--kind", "illegal_operation", "--location", "PH-1", "--description", "d")
LIBRARY = ("library", "add", "--category", "roof", "--title", "锚杆松动", "--by", "admin")

USAGE = [  # click's own checks: one line naming the option, exit 2
    ("user", "add", "liu", "--role", "emperor", "--password", "long-password"),
    ("user", "add", "-1", "--role", "miner"), ("user", "disable"), ("user", "disable", "a", "b"), ("nosuch",),
    ("user", "nosuch"), ("hazard", "report", "--description", "d"), (*VIOLATION, "--by", "wang", "--kind", "x"),
    (*LIBRARY, "--fix-days", "1e309"), (*LIBRARY, "--fix-days", str(2**63) + "0.5"), (*LIBRARY, "--fix-days", ""),
    ("unit", "add", "U", "--name", "队", "--kind", "army"), ("channel", "add", "c", "--kind", "fax", "--url", "x"),
    ("qr", "png", "PH-1", "-o", "/"), ("qr", "sheet", "-o", "/tmp"), ("risk", "export", "-o", "/"),
    ("backup", "-o", "/"), ("risk", "import", "/nonexistent.xlsx"), ("risk", "import", "/"),
    ("major-criteria", "import", "/nonexistent.csv", "--by", "admin"), ("restore", "/"),
]
NOT_TEXT = [  # a NUL (in-process only) or undecodable bytes (lone surrogates) in what a command looks up
    ("user", "disable", "\ud800"), ("user", "email", "a\udcff", "x@example.com"), ("kiosk", "rotate", "\udcff"),
    ("kiosk", "disable", "a\x00b"), ("unit", "join", "\ud800", "1001"), ("unit", "set", "U\udcff", "--name", "x"),
    ("library", "list", "--category", "\ud800"), ("channel", "test", "\ud800"), ("channel", "disable", "\ud800"),
    ("qr", "png", "\ud800", "-o", "x.png"), ("qr", "sheet", "\ud800", "-o", "x.pdf"),
    (*VIOLATION, "--by", "\ud800"), ("hazard", "report", "--location", "PH-1", "--description", "a\x00b"),
    ("db", "upgrade", "a\x00b"),
]
FIELDS = [  # checked by the input models or the services: one line even when several fields are wrong
    ("area", "add", "a1", "--name", "\t", "--name-en", "a\nb"),
    ("location", "add", "L1", "--name", "n", "--name-en", LONG, "--area", LONG, "--kind", LONG),
    ("user", "add", "liu", "--role", "miner", "--password", "long-password", "--employee-no", "a\nb", "--name", "n"),
    ("user", "add", "liu", "--role", "miner", "--password", "long-password", "--employee-no", " ", "--name", "n"),
    ("user", "add", "liu", "--role", "miner", "--password", "long-password", "--employee-no", "9", "--name", "\x1b[31m"),
    ("user", "add", "liu", "--role", "miner", "--password", "long-password", "--employee-no", "9", "--name", LONG,
     "--team", LONG),
    ("channel", "add", "a\nb", "--kind", "webhook", "--url", "https://example.com/hook"),
    ("channel", "add", " ", "--kind", "webhook", "--url", "https://example.com/hook"),
    (*LIBRARY[:5], "a\nb", *LIBRARY[6:], "--fix-days", "3"), (*LIBRARY, "--fix-days", "-1", "--level", LONG),
    (*VIOLATION, "--by", "wang", "--at", "0001-01-01T00:00:00+08:00"), (*VIOLATION, "--by", "wang", "--at", LONG),
    ("db", "upgrade", "no-such-revision"), ("db", "downgrade", "no-such-revision"),
]
UNKNOWN = [  # names nothing stored: exit 3 or 2, one line
    ("user", "disable", "nobody"), ("user", "passwd", str(2**63), "--password", "long-password"),
    ("kiosk", "enable", "1e309"), ("kiosk", "add", "K1", "--location", "nowhere"), ("unit", "join", "U9", "1001"),
    ("unit", "charge", "U9", "--area", "north"), ("channel", "test", "-0"), ("qr", "png", "nowhere", "-o", "x.png"),
    (*VIOLATION, "--by", "nobody"), (*VIOLATION, "--by", "wang", "--hazard", "YH-2026-999999"),
    ("library", "add", "--category", "nowhere", "--title", "锚杆松动", "--fix-days", "3", "--by", "admin"),
]


def refused(result: Result, *codes: int) -> str:
    """The one error line of a refused command, after checking its exit code."""
    errors = [line for line in result.stderr.splitlines() if not LOG_RECORD.match(line)]
    assert result.exit_code in (codes or (2,)), (result.exit_code, result.output[-500:])
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output, result.output[-500:]
    assert len(errors) == 1 and errors[0].startswith("error"), errors[:5]
    return errors[0]


def count(table: str) -> int:
    with get_engine().connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.mark.parametrize("kind", ["usage", "not text", "fields", "unknown"])
def test_hostile_arguments_are_one_line_and_nothing_is_stored(cli: CliRunner, kind: str, tmp_path: Path,  # noqa: F811
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    for seed in SEED:
        assert cli.invoke(main, list(seed)).exit_code == 0
    cases, codes = {"usage": (USAGE, (2,)), "not text": (NOT_TEXT, (2,)), "fields": (FIELDS, (2,)),
                    "unknown": (UNKNOWN, (2, 3))}[kind]
    for args in cases:
        refused(cli.invoke(main, list(args)), *codes)
    assert (count("user_account"), count("person"), count("location"), count("hazard")) == (2, 1, 1, 0)
    assert count("violation") + count("notify_channel") + count("org_unit") == 0
    assert not list((tmp_path / "cwd").iterdir())


def test_a_usage_error_names_the_option_in_one_line(cli: CliRunner) -> None:  # noqa: F811
    line = refused(cli.invoke(main, ["user", "add", "liu", "--role", "emperor"]))
    assert line.startswith("error (--role): 'emperor' is not one of") and "user add --help" in line
    line = refused(cli.invoke(main, ["user", "disable", "\udcff"]))
    assert line.startswith("error (argument 3): '\\udcff'")
    line = refused(cli.invoke(main, ["area", "add", "a1", "--name", "\t", "--name-en", "a\nb"]))
    assert line.startswith("error (name_zh): ") and "; name_en: " in line


def _workbook(path: Path, **cells: object) -> str:
    book = Workbook()
    page = book.active
    assert page is not None
    row = [1, "RP-1", "主井", "场所", "north", "PH-1", "顶板", "冒顶", "伤亡", 3, 4, 12, "较大", "管理", "巡查", "一队", "张三"]
    for column, value in cells.items():
        row[COLUMNS.index(column)] = value
    page.append(list(COLUMNS))
    page.append(row)
    book.save(path)
    return str(path)


def test_hostile_files_are_refused_in_one_line_and_nothing_is_imported(cli: CliRunner, tmp_path: Path) -> None:  # noqa: F811
    for seed in SEED:
        assert cli.invoke(main, list(seed)).exit_code == 0
    files = {"empty": b"", "garbage": bytes(range(256)) * 20, "text.xlsx": b"hello", "nul.csv": b"a\x00b\n",
             "latin1.csv": "category_no\n\xe9".encode("latin-1"), "deep.json": b"[" * 100_000 + b"]" * 100_000,
             "big.csv": b"category_no,category_title,article,item_no,text\n1,a,b,1," + b"x" * 200_000 + b"\n",
             "wrong.json": b'{"categories": [{"no": 1}]}', "list.json": b"[1, 2]"}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    workbooks = [_workbook(tmp_path / "superscript.xlsx", 可能性L="²"),
                 _workbook(tmp_path / "digits.xlsx", 严重性S="9" * 5000),
                 _workbook(tmp_path / "date.xlsx", 可能性L=datetime.datetime(2026, 1, 1)),
                 _workbook(tmp_path / "area.xlsx", 区域="nowhere")]
    unreadable = "/proc/self/mem"  # it exists and is no directory, yet reading it fails (even as root)
    for path in [*(str(tmp_path / name) for name in files), unreadable]:
        refused(cli.invoke(main, ["major-criteria", "import", path, "--by", "admin"]))
    for path in [*(str(tmp_path / name) for name in files), *workbooks, unreadable]:
        refused(cli.invoke(main, ["risk", "import", path]), 2, 3)
    assert count("risk_point") == 0
    criteria = count("major_hazard_criterion")
    refused(cli.invoke(main, ["major-criteria", "import", str(tmp_path / "big.csv"), "--by", "admin"]))
    assert count("major_hazard_criterion") == criteria
