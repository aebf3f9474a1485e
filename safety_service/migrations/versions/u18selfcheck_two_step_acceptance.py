"""Optional two-step acceptance per level (分级验收): a level may require the responsible unit's self-check
(自检合格) before the safety department's verification; the hazard records when its unit self-checked.
Existing levels keep one-step acceptance; existing hazards have no self-check.

Revision ID: u18selfcheck
Revises: 0013f
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "u18selfcheck"
down_revision: str | tuple[str, ...] | None = "0013f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("hazard_level", sa.Column("self_check", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("hazard", sa.Column("self_checked_at", safety_service.database.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    op.drop_column("hazard", "self_checked_at")
    op.drop_column("hazard_level", "self_check")
