"""Running the Alembic migrations from code (``safety-service db upgrade``)."""

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from safety_service.config import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Objects that exist on one dialect only, made by hand in the migrations, not in the models.
DIALECT_ONLY_OBJECTS = ("hazard_fts", "ix_hazard_search_tsv", "search_tsv")
# Tables the migrations fill themselves: rows there do not make a database hold data (restore).
SEEDED_TABLES = ("alembic_version", "category", "hazard_level", "violation_item",
                 "hazard_library_item", "major_hazard_criterion", "reward_scale")  # rows the migrations put there


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to this engine, with no ini file needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the database schema up to the revision (every branch's newest by default)."""
    command.upgrade(alembic_config(engine), revision)


def schema_problem(settings: Settings, engine_for: Callable[[], Engine]) -> str | None:
    """Why the configured database cannot serve yet (missing, not migrated, behind), or None.

    A SQLite file that does not exist is reported without opening it, so a command run from the
    wrong directory leaves no empty database behind; ``engine_for`` is called only past that point.
    """
    upgrade_hint = "run `safety-service db upgrade` first"
    path = settings.sqlite_path()
    if path is not None and not path.is_file():
        return f"no database at {path.resolve()}: {upgrade_hint} (or set SAFETY_DATABASE_URL)"
    engine = engine_for()
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        return f"cannot open the database: {str(getattr(exc, 'orig', None) or exc).strip().splitlines()[0]}"
    wanted = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    if not current:
        return f"the database has no tables yet: {upgrade_hint}"
    if current != wanted:
        return (f"the database is at revision {', '.join(sorted(current))}, this version needs "
                f"{', '.join(sorted(wanted))}: {upgrade_hint}")
    return None


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database schema back to the revision."""
    command.downgrade(alembic_config(engine), revision)


def known_revisions() -> set[str]:
    """Every revision the code's migrations know."""
    return {script.revision for script in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


def new_revision(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    command.revision(alembic_config(engine), message=message, autogenerate=True)


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave out the full-text objects each dialect has on its own and SQLite's FTS shadow tables."""
    return not (name and name.startswith(DIALECT_ONLY_OBJECTS))


def hazard_statistics_again(bind: Connection) -> None:
    """For a migration that re-creates hazard indexes: on SQLite a re-created index has no statistics while the
    others keep theirs (where ANALYZE was ever run), and the planner then takes it for the most selective (the
    open hazards' list read the deadlines' index, 0.9 -> 111 ms on a million hazards). Gathered again where there
    were any (about 2 s a million hazards)."""
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        bind.exec_driver_sql("ANALYZE hazard")
