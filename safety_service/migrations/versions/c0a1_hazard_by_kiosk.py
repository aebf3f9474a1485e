"""The hazards of each kiosk, newest first: the kiosk page shows each kiosk's last report.

Revision ID: c0a1
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c0a1"
down_revision: str | tuple[str, ...] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_hazard_kiosk_reported", "hazard", ["kiosk_id", "reported_at"])


def downgrade() -> None:
    op.drop_index("ix_hazard_kiosk_reported", table_name="hazard")
