"""The indexes of the console's queues on a large register.

Partial indexes: the open urgent hazards, in the order of the box at the top of every queue (which read all
open hazards to find none); the fixes waiting for verification (the late counts and the late list's
verification step read each such hazard's row); for the scheduler's ticks, the unacknowledged urgent alarms
(a whole-table scan each minute) and the closed hazards by place (the area boards read every hazard of an
area). None takes a new report but an urgent one. Two indexes widened so that the late list's other steps are read
from them alone: the state's with the deadline and the id, the open hazards' deadlines with the id.

Revision ID: q21partial
Revises: v22ack2
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from safety_service.migrate import hazard_statistics_again

revision: str = "q21partial"
down_revision: str | tuple[str, ...] | None = "v22ack2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WIDENED = {"ix_hazard_state_reported": (["state", "reported_at"], ["state", "reported_at", "deadline", "id"]),
            "ix_hazard_open_deadline": (["is_open", "deadline"], ["is_open", "deadline", "id"])}


def upgrade() -> None:
    op.create_index("ix_hazard_urgent_open", "hazard", [sa.text("(urgent_acknowledged_at IS NOT NULL)"), "urgent_at"],
                    sqlite_where=sa.text("urgent = 1 AND is_open = 1"), postgresql_where=sa.text("urgent AND is_open"))
    op.create_index("ix_hazard_verification_due", "hazard", ["state", "rectified_at", "deadline", "id"],
                    sqlite_where=sa.text("state = 'awaiting_verification'"),
                    postgresql_where=sa.text("state = 'awaiting_verification'"))
    unacknowledged = "urgent_acknowledged_at IS NULL AND urgent_escalated_at IS NULL"
    op.create_index("ix_hazard_urgent_unacknowledged", "hazard", ["urgent_at"],
                    sqlite_where=sa.text(f"urgent = 1 AND {unacknowledged}"),
                    postgresql_where=sa.text(f"urgent AND {unacknowledged}"))
    op.create_index("ix_hazard_location_closed", "hazard", ["location_id", "closed_at"],
                    sqlite_where=sa.text("closed_at IS NOT NULL"), postgresql_where=sa.text("closed_at IS NOT NULL"))
    for name, (_, columns) in _WIDENED.items():
        op.drop_index(name, table_name="hazard")
        op.create_index(name, "hazard", columns)
    hazard_statistics_again(op.get_bind())


def downgrade() -> None:
    for name, (columns, _) in _WIDENED.items():
        op.drop_index(name, table_name="hazard")
        op.create_index(name, "hazard", columns)
    for name in ("ix_hazard_location_closed", "ix_hazard_urgent_unacknowledged", "ix_hazard_verification_due",
                 "ix_hazard_urgent_open"):
        op.drop_index(name, table_name="hazard")
    hazard_statistics_again(op.get_bind())
