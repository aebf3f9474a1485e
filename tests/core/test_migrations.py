"""The migrations are the schema: they build the test database, and the models may not drift from them."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

import safety_service.models  # noqa: F401
from safety_service import migrate
from safety_service.config import Settings
from safety_service.database import make_engine, metadata
from tests.conftest import create_pg_database, drop_pg_database, make_settings
from tests.hazards.builders import make_hazard


# SQLite's reflection skips an index on an expression (the urgent box's partial index), and autogenerate then
# compares none on either side; PostgreSQL's reflection reads it and compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index ix_hazard_urgent_open")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index 'ix_hazard_urgent_open'")
def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": migrate.include_object}
        )
        assert compare_metadata(context, metadata) == []


def test_the_categories_are_seeded_by_the_migration(engine: Engine) -> None:
    with engine.connect() as connection:
        codes = connection.execute(text("SELECT code FROM category ORDER BY sort_order")).scalars().all()
    assert codes == ["roof", "rock_burst", "gas", "monitoring", "ventilation", "water", "electromechanical",
                     "transport", "hoisting", "blasting", "fire", "dust", "other"]


def test_downgrade_to_base_and_up_again(settings: Settings, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}" if settings.is_sqlite else create_pg_database()
    engine = make_engine(make_settings(url))
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        assert {"hazard", "hazard_event", "user_account"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
        if not settings.is_sqlite:
            drop_pg_database(url)



def test_the_widened_indexes_get_statistics_where_the_register_had_them(tmp_path) -> None:
    """SQLite's planner takes an index without statistics beside ones with them for the most selective; the
    migration that re-creates the hazard indexes gathers them again (both ways) where ANALYZE had ever run."""
    engine = make_engine(make_settings(f"sqlite:///{tmp_path / 'stats.db'}"))
    widened = {"ix_hazard_state_reported", "ix_hazard_open_deadline"}

    def gathered() -> set[str]:
        with engine.connect() as connection:
            return set(connection.execute(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'hazard'")).scalars())

    try:
        migrate.upgrade(engine)
        with Session(engine) as session:
            for _ in range(3):
                make_hazard(session)
            session.commit()
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        migrate.downgrade(engine, "v22ack2")
        assert widened <= gathered()
        migrate.upgrade(engine)
        assert widened <= gathered()
    finally:
        engine.dispose()
