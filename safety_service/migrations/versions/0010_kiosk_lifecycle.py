"""Kiosks can be removed (retired): the row stays, so the hazards reported through it keep their kiosk.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "0010"
down_revision: str | tuple[str, ...] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: batch mode would recreate the kiosk table, which the hazards refer to.
    op.add_column("kiosk", sa.Column("removed_at", safety_service.database.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("kiosk", "removed_at")
