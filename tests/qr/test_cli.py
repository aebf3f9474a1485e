"""`safety-service qr png` and `qr sheet` write files whose codes decode to the locations' URLs."""

from pathlib import Path

from click.testing import CliRunner

from safety_service.cli import main
from safety_service.config import get_settings
from safety_service.qr import tokens
from tests.core.test_cli import cli  # noqa: F401 - the fixture: a fresh database of the current backend
from tests.qr.decode import decode_pdf, decode_png


def _add_locations(cli: CliRunner, count: int) -> list[str]:  # noqa: F811
    codes = [f"PH-{n}" for n in range(count)]
    for code in codes:
        assert cli.invoke(main, ["location", "add", code, "--name", f"{code}号井口"]).exit_code == 0
    return codes


def test_qr_png_writes_a_decodable_code(cli: CliRunner, tmp_path: Path) -> None:  # noqa: F811
    (code,) = _add_locations(cli, 1)
    result = cli.invoke(main, ["qr", "png", code, "-o", str(tmp_path / "code.png")])
    assert result.exit_code == 0, result.output
    assert decode_png((tmp_path / "code.png").read_bytes()) == [tokens.report_url(get_settings(), code)]
    unknown = cli.invoke(main, ["qr", "png", "NOPE", "-o", str(tmp_path / "x.png")])
    assert unknown.exit_code == 3 and "code" in unknown.output and not (tmp_path / "x.png").exists()
    nowhere = cli.invoke(main, ["qr", "png", code, "-o", str(tmp_path / "missing" / "x.png")])
    assert nowhere.exit_code == 73 and "cannot write" in nowhere.output and nowhere.exc_info[0] is SystemExit
    sheet = cli.invoke(main, ["qr", "sheet", "-o", str(tmp_path / "missing" / "all.pdf")])
    assert sheet.exit_code == 73 and "No such file or directory" in sheet.output


def test_qr_sheet_writes_a_pdf_of_all_or_pngs_of_the_chosen(cli: CliRunner, tmp_path: Path) -> None:  # noqa: F811
    codes = _add_locations(cli, 13)
    urls = [tokens.report_url(get_settings(), code) for code in codes]
    assert cli.invoke(main, ["qr", "sheet", "-o", str(tmp_path / "all.pdf")]).exit_code == 0
    pages = decode_pdf((tmp_path / "all.pdf").read_bytes(), tmp_path)
    assert sorted(url for page in pages for url in page) == sorted(urls) and len(pages) == 2
    result = cli.invoke(main, ["qr", "sheet", *codes, "-o", str(tmp_path / "chosen.png")])
    assert result.exit_code == 0 and "chosen-2.png" in result.output
    first, second = (decode_png((tmp_path / n).read_bytes()) for n in ("chosen.png", "chosen-2.png"))
    assert first + second == urls
