"""Alembic environment: runs on the engine handed over by safety_service.migrate."""

from alembic import context

import safety_service.models  # noqa: F401 - registers every table
from safety_service.database import get_engine, metadata
from safety_service.migrate import include_object

config = context.config
engine = config.attributes.get("engine") or get_engine()

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
