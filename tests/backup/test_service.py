"""``safety-service backup`` and ``restore`` as an administrator runs them, on real databases with committed data."""

import io
import json
import shutil
import stat
import tarfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from safety_service.backup.service import tables_with_data
from safety_service.config import Settings
from safety_service.counselling.states import CaseState
from safety_service.hazards.states import HazardState
from safety_service.people.models import Role
from safety_service.photos import service as photos_service
from safety_service.photos.processing import process_photo
from tests.backup.conftest import Place, table_rows
from tests.counselling.builders import make_case
from tests.hazards.builders import make_hazard
from tests.kiosks.builders import make_kiosk
from tests.locations.builders import make_location
from tests.people.builders import make_user
from tests.photos.images import photo

PHOTO = process_photo(photo(), max_bytes=10_000_000, max_pixels=40_000_000, max_side=1600)
MANIFEST = "mine-safety-backup.json"


def fill(place: Place, *, everything: bool = True) -> str:
    """Hazards in every state with photos, counselling cases, a kiosk and generated keys; the location's code."""
    engine = place.engine()
    with Session(engine, expire_on_commit=False) as session:
        location = make_location(session)
        owner = make_user(session, role=Role.owner)
        for state in HazardState if everything else [HazardState.rectifying]:
            hazard = make_hazard(session, state=state, location=location, owner=owner)
            photos_service.add_photo(session, hazard_id=hazard.id, photo=PHOTO)
        if everything:
            for case_state in CaseState:
                make_case(session, state=case_state)
            make_kiosk(session, location=location)
        session.commit()
    engine.dispose()
    (place.data_dir / "keys").mkdir()
    for name, content in (("secret_key", "s" * 64), ("keys/qr_keys", "k1:" + "q" * 32)):
        (place.data_dir / name).write_text(content)
        (place.data_dir / name).chmod(0o600)
    return location.code


def take_backup(place: Place, output: Path) -> Path:
    written = place.run("backup", "-o", str(output))
    assert written.exit_code == 0, written.output
    return output


def members(backup: Path) -> list[str]:
    with tarfile.open(backup) as tar:
        return tar.getnames()


def test_a_backup_restored_into_a_fresh_installation_holds_every_row_photo_case_and_key(
        new_place: Callable[..., Place], tmp_path: Path) -> None:
    source, target = new_place("source"), new_place("target")
    code = fill(source)
    earlier = take_backup(source, source.data_dir / "earlier.tar.gz")  # a backup kept in the data folder
    backup = take_backup(source, tmp_path / "backup.tar.gz")

    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # it holds password hashes and keys
    assert sorted(members(backup)) == sorted([MANIFEST, *members(earlier)[1:]])  # never a backup in a backup
    assert set(members(backup)) >= {"data/secret_key", "data/keys/qr_keys"}
    assert not [name for name in members(backup) if "safety.db" in name]  # the database only as its copy

    restored = target.run("restore", str(backup))
    assert restored.exit_code == 0, restored.output
    source_engine, target_engine = source.engine(), target.engine()
    rows = table_rows(source_engine)
    assert table_rows(target_engine) == rows
    with target_engine.connect() as connection:
        states = set(connection.execute(text("SELECT state FROM hazard")).scalars())
        photos = connection.execute(text("SELECT count(*) FROM hazard_photo")).scalar_one()
        cases = set(connection.execute(text("SELECT state FROM counselling_case")).scalars())
    assert states == set(HazardState) and photos == len(HazardState) and cases == set(CaseState)
    for name in ("secret_key", "keys/qr_keys"):
        assert (target.data_dir / name).read_bytes() == (source.data_dir / name).read_bytes()
        assert stat.S_IMODE((target.data_dir / name).stat().st_mode) == 0o600
    source_engine.dispose(), target_engine.dispose()

    # The restored register takes new reports where the old one stopped (ids and references go on).
    reported = target.run("hazard", "report", "--location", code, "--description", "恢复后的新隐患")
    assert reported.exit_code == 0, reported.output
    assert reported.stdout.split()[0].endswith(f"{len(HazardState) + 1:06d}")


def _refuse_deletes(place: Place) -> None:
    """Make accounts append-only, as the event tables are: no row of them may be deleted."""
    engine = place.engine()
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("CREATE TRIGGER keep_accounts BEFORE DELETE ON user_account "
                                    "BEGIN SELECT RAISE(ABORT, 'append-only'); END"))
        else:
            connection.execute(text("CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS "
                                    "$$BEGIN RAISE EXCEPTION 'append-only'; END$$"))
            connection.execute(text("CREATE TRIGGER keep_accounts BEFORE DELETE ON user_account "
                                    "FOR EACH ROW EXECUTE FUNCTION refuse_delete()"))
    engine.dispose()


def _backup_and_a_target_in_use(new_place: Callable[..., Place], tmp_path: Path) -> tuple[Place, Place, Path]:
    """A backup of a small register, and another installation where the account ``liu`` was added."""
    source, target = new_place("source"), new_place("target")
    fill(source, everything=False)
    backup = take_backup(source, tmp_path / "backup.tar.gz")
    assert target.run("user", "add", "liu", "--role", "officer", "--password", "long-password").exit_code == 0
    return source, target, backup


def test_restore_refuses_a_database_holding_data_unless_forced_and_then_replaces_it_whole(
        new_place: Callable[..., Place], tmp_path: Path) -> None:
    source, target, backup = _backup_and_a_target_in_use(new_place, tmp_path)
    _refuse_deletes(target)

    refused = target.run("restore", str(backup))
    assert refused.exit_code == 4
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("error (database):")
    assert "--force" in refused.stderr and "user_account" in refused.stderr
    engine = target.engine()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT username FROM user_account")).scalars().all() == ["liu"]
    engine.dispose()

    forced = target.run("restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    source_engine, target_engine = source.engine(), target.engine()
    assert table_rows(target_engine) == table_rows(source_engine)  # liu is gone with everything else
    source_engine.dispose(), target_engine.dispose()


def _rewritten(backup: Path, output: Path, *, manifest: Callable[[dict], None] | None = None,
               member: str | None = None) -> Path:
    """The backup with its manifest edited, or one member's content altered under the old manifest."""
    with tarfile.open(backup) as old, tarfile.open(output, "w:gz") as new:
        for info in old.getmembers():
            data = old.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == MANIFEST and manifest is not None:
                content = json.loads(data)
                manifest(content)
                data = json.dumps(content).encode()
            if info.name == member:
                at = len(data) // 2
                data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return output


def test_a_truncated_altered_foreign_or_newer_backup_is_refused_in_one_line_and_nothing_changes(
        new_place: Callable[..., Place], tmp_path: Path) -> None:
    _, target, backup = _backup_and_a_target_in_use(new_place, tmp_path)
    (target.data_dir / "secret_key").write_text("the target's own key")
    engine = target.engine()
    before = table_rows(engine)
    truncated, foreign = tmp_path / "truncated.tar.gz", tmp_path / "foreign.tar.gz"
    truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    with tarfile.open(foreign, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO(b""))
    (tmp_path / "text.txt").write_text("not a backup")
    database = next(name for name in members(backup) if name.startswith("database/"))
    cases = {
        truncated: "truncated or damaged",
        _rewritten(backup, tmp_path / "altered.tar.gz", member=database): "does not match its checksum",
        _rewritten(backup, tmp_path / "key.tar.gz", member="data/secret_key"): "does not match its checksum",
        foreign: "not a mine-safety backup",
        tmp_path / "text.txt": "not a backup",
        tmp_path / "missing.tar.gz": "no backup file",
        _rewritten(backup, tmp_path / "newer.tar.gz", manifest=lambda m: m.update(alembic_revision="9999")):
            "revision 9999, newer than this safety-service knows",
    }
    for path, reason in cases.items():
        refused = target.run("restore", "--force", str(path))
        assert refused.exit_code == 65, (path, refused.output)
        assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("error (backup):"), refused.stderr
        assert reason in refused.stderr, refused.stderr
        assert table_rows(engine) == before
        assert (target.data_dir / "secret_key").read_text() == "the target's own key"
    engine.dispose()
    assert not [p for p in target.data_dir.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_a_backup_from_an_older_version_is_brought_to_the_current_schema(
        new_place: Callable[..., Place], tmp_path: Path) -> None:
    source, target = new_place("source", revision="0006"), new_place("target")
    engine = source.engine()
    with engine.begin() as connection:  # the 0006 schema: rows written as that version wrote them
        connection.execute(text("INSERT INTO user_account (username, role, hashed_password, is_active, created_at) "
                                "VALUES ('old-chief', 'chief', 'x', true, CURRENT_TIMESTAMP)"))
    engine.dispose()
    backup = take_backup(source, tmp_path / "backup.tar.gz")
    engine = target.engine()
    with engine.connect() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert head != "0006"

    restored = target.run("restore", str(backup))
    assert restored.exit_code == 0, restored.output
    engine = target.engine()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
        assert connection.execute(text("SELECT role FROM user_account WHERE username = 'old-chief'")).scalar_one() \
            == "chief"
    engine.dispose()


def test_a_backup_of_the_other_kind_of_database_is_refused_by_name(
        new_place: Callable[..., Place], tmp_path: Path) -> None:
    target = new_place("target")
    other_kind = "postgresql" if target.settings.is_sqlite else "sqlite"
    source = new_place("source", kind=other_kind)
    fill(source, everything=False)
    backup = take_backup(source, tmp_path / "backup.tar.gz")
    refused = target.run("restore", str(backup))
    assert refused.exit_code == 65
    assert f"the backup is of a {other_kind} database" in refused.stderr
    engine = target.engine()
    assert tables_with_data(engine) == []
    engine.dispose()


def test_without_fitting_postgresql_client_tools_backup_and_restore_name_the_tool_and_write_nothing(
        places: Callable[..., Place], tmp_path: Path) -> None:
    place = places("place")
    backup = take_backup(place, tmp_path / "backup.tar.gz")
    output = tmp_path / "tonight.tar.gz"
    output.write_bytes(b"last night's backup")
    old_tools = _tools(tmp_path / "old-tools", pg_dump="echo 'pg_dump (PostgreSQL) 9.6.24'")

    missing = place.run("backup", "-o", str(output), env={"PATH": str(tmp_path / "no-tools")})
    assert missing.exit_code == 69
    assert missing.stderr.startswith("error (pg_dump): pg_dump is not installed;") and missing.stderr.count("\n") == 1
    too_old = place.run("backup", "-o", str(output), env={"PATH": str(old_tools)})
    assert too_old.exit_code == 69 and "pg_dump 9 cannot dump a PostgreSQL" in too_old.stderr
    assert output.read_bytes() == b"last night's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.tar.gz", "old-tools", "place", "tonight.tar.gz"]

    no_restore = place.run("restore", "--force", str(backup), env={"PATH": str(tmp_path / "no-tools")})
    assert no_restore.exit_code == 69 and no_restore.stderr.startswith("error (pg_restore): pg_restore is not")


def _tools(folder: Path, **scripts: str) -> Path:
    """A folder for PATH with the real PostgreSQL client tools, some replaced by shell scripts."""
    folder.mkdir()
    for name in ("pg_dump", "pg_restore", "psql"):
        tool = folder / name
        if name in scripts:
            tool.write_text(f"#!/bin/sh\n{scripts[name]}\n")
            tool.chmod(0o755)
        else:
            tool.symlink_to(shutil.which(name))  # type: ignore[arg-type]
    return folder


def test_a_postgresql_restore_that_breaks_off_leaves_the_database_as_it_was(
        places: Callable[..., Place], tmp_path: Path) -> None:
    source, target = places("source"), places("target")
    fill(source, everything=False)
    backup = take_backup(source, tmp_path / "backup.tar.gz")
    assert target.run("user", "add", "liu", "--role", "officer", "--password", "long-password").exit_code == 0
    real = shutil.which("pg_restore")
    # pg_restore dies half-way through its output, after psql has already dropped the schema.
    breaking = _tools(tmp_path / "tools", pg_restore=(
        f'[ "$1" = --version ] && exec {real} --version; {real} "$@" | head -c 30000; exit 1'))
    engine = target.engine()
    before = table_rows(engine)

    broken = target.run("restore", "--force", str(backup), env={"PATH": str(breaking)})
    assert broken.exit_code == 74 and broken.stderr.startswith("error (database): pg_restore failed"), broken.stderr
    assert table_rows(engine) == before
    engine.dispose()


def test_a_database_that_cannot_be_read_is_one_line_and_no_file(settings: Settings, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'safety.db'}" if settings.is_sqlite else \
        make_url(settings.database_url).set(database="no_such_database").render_as_string(hide_password=False)
    place = Place(url, tmp_path / "data")
    failed = place.run("backup", "-o", str(tmp_path / "backup.tar.gz"))
    assert failed.exit_code == 74
    assert failed.stderr.startswith("error (database):") and failed.stderr.count("\n") == 1, failed.stderr
    assert [path.name for path in tmp_path.iterdir() if path.name != "data"] == []  # data: the generated keys


def test_a_postgresql_restore_while_the_service_holds_the_tables_gives_up_and_says_so(
        places: Callable[..., Place], tmp_path: Path) -> None:
    source, target = places("source"), places("target")
    backup = take_backup(source, tmp_path / "backup.tar.gz")
    assert target.run("user", "add", "liu", "--role", "officer", "--password", "long-password").exit_code == 0
    engine = target.engine()
    before = table_rows(engine)
    with engine.connect() as service:  # a request of the running service, mid-transaction
        service.execute(text("SELECT count(*) FROM user_account"))
        refused = target.run("restore", "--force", str(backup))
    assert refused.exit_code == 74 and "lock timeout; stop the service" in refused.stderr, refused.stderr
    assert table_rows(engine) == before
    engine.dispose()
