"""Two partial indexes for the console's queues on a large register: the open urgent hazards (the box at the
top of every queue read all open hazards to find none) and the fixes waiting for verification (the late counts
and the overdue list's verification step read each such hazard's row).

Revision ID: q21partial
Revises: v22ack2
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "q21partial"
down_revision: str | tuple[str, ...] | None = "v22ack2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_hazard_urgent_open", "hazard", [sa.text("(urgent_acknowledged_at IS NOT NULL)"), "urgent_at"],
                    sqlite_where=sa.text("urgent = 1 AND is_open = 1"), postgresql_where=sa.text("urgent AND is_open"))
    op.create_index("ix_hazard_verification_due", "hazard", ["state", "rectified_at", "deadline"],
                    sqlite_where=sa.text("state = 'awaiting_verification'"),
                    postgresql_where=sa.text("state = 'awaiting_verification'"))


def downgrade() -> None:
    op.drop_index("ix_hazard_verification_due", table_name="hazard")
    op.drop_index("ix_hazard_urgent_open", table_name="hazard")
