"""Running the Alembic migrations from code (``safety-service db upgrade``)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Objects that exist on one dialect only, made by hand in the migrations, not in the models.
DIALECT_ONLY_OBJECTS = ("hazard_fts", "ix_hazard_search_tsv", "search_tsv")


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to this engine, with no ini file needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the database schema up to the revision (every branch's newest by default)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database schema back to the revision."""
    command.downgrade(alembic_config(engine), revision)


def new_revision(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    command.revision(alembic_config(engine), message=message, autogenerate=True)


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave out the full-text objects each dialect has on its own and SQLite's FTS shadow tables."""
    return not (name and name.startswith(DIALECT_ONLY_OBJECTS))
