"""A waiting extension request (延期申请) on the hazard: the date it asks for and its reason.

Revision ID: h18changes
Revises: h18levels
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "h18changes"
down_revision: str | tuple[str, ...] | None = "h18levels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("hazard", sa.Column("extension_until", safety_service.database.UTCDateTime(timezone=True),
                                      nullable=True))
    op.add_column("hazard", sa.Column("extension_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("hazard", "extension_reason")
    op.drop_column("hazard", "extension_until")
