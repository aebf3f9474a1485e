"""``safety-service risk export|import``: the sheet out and back in; a bad file is one line and a non-zero exit."""

from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from safety_service.cli import main
from tests.core.test_cli import cli

__all__ = ["cli"]


def test_export_then_import(cli: CliRunner, tmp_path: Path) -> None:
    assert cli.invoke(main, ["location", "add", "WF-1", "--name", "综采工作面"]).exit_code == 0
    book = Workbook()
    book.active.append(["序号", "风险点编号", "风险点名称", "类型", "区域", "地点", "危险源", "可能导致的事故类型", "后果",
                        "可能性L", "严重性S", "风险值R", "风险等级", "管控措施类别", "管控措施", "责任单位", "责任人"])
    book.active.append([1, "FX-1", "综采工作面", "场所", "", "WF-1", "顶板冒落", "顶板事故", "伤亡", 4, 5, "", "", "工程技术",
                        "支架初撑力达标", "综采一队", "杨军"])
    sheet = tmp_path / "清单.xlsx"
    book.save(sheet)
    loaded = cli.invoke(main, ["risk", "import", str(sheet)])
    assert loaded.exit_code == 0 and "1 added" in loaded.output, loaded.output
    out = tmp_path / "out.xlsx"
    assert cli.invoke(main, ["risk", "export", "-o", str(out)]).exit_code == 0
    again = cli.invoke(main, ["risk", "import", str(out)])
    assert again.exit_code == 0 and "1 replaced" in again.output
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    bad = cli.invoke(main, ["risk", "import", str(junk)])
    assert bad.exit_code != 0 and bad.output.strip().splitlines() == ["error (file): not an XLSX workbook"]
