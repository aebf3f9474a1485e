"""Databases of their own with committed data (the usual session rolls back), on the run's backend.

A ``Place`` is one installation: a database and its data folder, as an administrator's
environment names them; ``run`` is the real ``safety-service`` command in that environment.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from safety_service import migrate
from safety_service.cli import main
from safety_service.config import Settings, get_settings
from safety_service.database import get_engine, make_engine
from tests.conftest import create_pg_database, drop_pg_database, make_settings


@dataclass
class Place:
    url: str
    data_dir: Path

    @property
    def settings(self) -> Settings:
        return make_settings(self.url, data_dir=str(self.data_dir))

    def engine(self) -> Engine:
        return make_engine(self.settings)

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        """``safety-service ARGS`` with this place's SAFETY_DATABASE_URL and SAFETY_DATA_DIR."""
        get_settings.cache_clear(), get_engine.cache_clear()
        environment = {"SAFETY_DATABASE_URL": self.url, "SAFETY_DATA_DIR": str(self.data_dir), **(env or {})}
        try:
            return CliRunner().invoke(main, list(args), env=environment)
        finally:
            if get_engine.cache_info().currsize:
                get_engine().dispose()
            get_settings.cache_clear(), get_engine.cache_clear()


@pytest.fixture
def places(tmp_path: Path) -> Iterator[Callable[..., Place]]:
    """Makes installations of a kind of database (PostgreSQL by default), migrated to ``revision``."""
    databases: list[str] = []

    def make(name: str, *, revision: str | None = "heads", kind: str = "postgresql") -> Place:
        data_dir = tmp_path / name / "data"
        data_dir.mkdir(parents=True)
        if kind == "sqlite":
            url = f"sqlite:///{data_dir / 'safety.db'}"
        else:
            url = create_pg_database()
            databases.append(url)
        place = Place(url, data_dir)
        if revision is not None:
            engine = place.engine()
            migrate.upgrade(engine, revision)
            engine.dispose()
        return place

    yield make
    for url in databases:
        drop_pg_database(url)


@pytest.fixture
def new_place(settings: Settings, places: Callable[..., Place]) -> Callable[..., Place]:
    """Installations on the run's backend (``kind`` for the other one)."""
    backend = "sqlite" if settings.is_sqlite else "postgresql"
    return lambda name, *, revision="heads", kind=None: places(name, revision=revision, kind=kind or backend)


def table_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table (FTS5's own tables on SQLite included), in a stable order."""
    with engine.connect() as connection:
        return {name: sorted((tuple(row) for row in connection.execute(text(f'SELECT * FROM "{name}"'))), key=repr)
                for name in inspect(connection).get_table_names()}
