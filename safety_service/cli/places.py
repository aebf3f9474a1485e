"""``location``, ``area`` and ``qr``: the places of the mine and their QR codes."""

import sys
from collections.abc import Callable
from pathlib import Path

import click

from safety_service.cli.root import main, reports_errors
from safety_service.config import get_settings
from safety_service.database import session_scope


@main.group()
def location() -> None:
    """Locations where hazards are reported."""


@location.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Chinese name, printed under the QR code.")
@click.option("--name-en", default="")
@click.option("--area", "area_code", default=None, help="Area code (see 'area add').")
@click.option("--kind", default="site", show_default=True,
              help="pithead, roadway, working_face, chamber, workshop or site.")
@reports_errors
def location_add(code: str, name: str, name_en: str, area_code: str | None, kind: str) -> None:
    """Add a location."""
    from safety_service.locations import service as locations_service
    from safety_service.locations.schemas import LocationCreate

    settings = get_settings()
    data = LocationCreate.model_validate({"code": code, "name_zh": name, "name_en": name_en, "area_code": area_code,
                                          "kind": kind})
    with session_scope() as session:
        site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
        added = locations_service.add_location(session, site=site, data=data)
        click.echo(f"added location {added.code} {added.name_zh}")


@main.group()
def area() -> None:
    """Areas of the mine."""


@area.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--name-en", default="")
@reports_errors
def area_add(code: str, name: str, name_en: str) -> None:
    """Add an area."""
    from safety_service.locations import service as locations_service
    from safety_service.locations.schemas import AreaCreate

    settings = get_settings()
    with session_scope() as session:
        site = locations_service.ensure_site(session, code=settings.site, name_zh=settings.site_name)
        added = locations_service.add_area(session, site=site, data=AreaCreate(code=code, name_zh=name,
                                                                               name_en=name_en))
        click.echo(f"added area {added.code} {added.name_zh}")


@main.group()
def qr() -> None:
    """QR codes of locations and printable label sheets."""


def _write_qr(write: Callable[[], list[str]]) -> None:
    from safety_service.qr.images import FontMissing
    from safety_service.qr.tokens import InvalidKeyring

    try:
        written = write()
    except (FontMissing, InvalidKeyring) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(78)
    except OSError as exc:  # the output's folder is missing or not writable
        click.echo(f"error (output): cannot write {exc.filename}: {exc.strerror}", err=True)
        sys.exit(73)
    for name in written:
        click.echo(f"wrote {name}")


@qr.command("png")
@click.argument("code")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="PNG file to write.")
@reports_errors
def qr_png(code: str, output: str) -> None:
    """Write the QR code of location CODE as a PNG."""
    from safety_service.qr import service as qr_service

    def write() -> list[str]:
        with session_scope() as session:
            png = qr_service.location_png(session, settings=get_settings(), code=code)
        with open(output, "wb") as file:
            file.write(png)
        return [output]

    _write_qr(write)


@qr.command("sheet")
@click.argument("codes", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="A .pdf file (every page), or a .png file (one more file per extra page: NAME-2.png, …).")
@reports_errors
def qr_sheet(codes: tuple[str, ...], output: str) -> None:
    """Write an A4 label sheet for the locations CODES (all active locations when none are given)."""

    from safety_service.qr import service as qr_service

    path = Path(output)
    fmt = qr_service.SheetFormat.png if path.suffix.lower() == ".png" else qr_service.SheetFormat.pdf

    def write() -> list[str]:
        with session_scope() as session:
            files = qr_service.sheet(session, settings=get_settings(), codes=list(codes) or None, fmt=fmt)
        names = [path] + [path.with_name(f"{path.stem}-{n}{path.suffix}") for n in range(2, len(files) + 1)]
        for name, data in zip(names, files, strict=True):
            name.write_bytes(data)
        return [str(name) for name in names]

    _write_qr(write)
