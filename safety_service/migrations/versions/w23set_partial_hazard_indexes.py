"""Six of the hazard table's indexes hold only the hazards whose first column is set (the owner, unit, reporter's
number, category, risk point, failed control): a new report mostly leaves those columns empty, and every query
reading these indexes compares the column, so the NULL entries were written on each report and never read. The
kiosk intake inserts its batch's hazards with the year's reference counter held on PostgreSQL; fewer indexes to
write shortens that hold.

Revision ID: w23set
Revises: q21partial
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from safety_service.migrate import hazard_statistics_again

revision: str = "w23set"
down_revision: str | tuple[str, ...] | None = "q21partial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {"ix_hazard_owner_open_deadline": ["owner_id", "is_open", "deadline"],
            "ix_hazard_unit_reported": ["unit_id", "reported_at"],
            "ix_hazard_reporter_reported": ["reporter_employee_no", "reported_at"],
            "ix_hazard_category_reported": ["category_id", "reported_at"],
            "ix_hazard_risk_point_id": ["risk_point_id"],
            "ix_hazard_failed_control_id": ["failed_control_id"]}


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        where = sa.text(f"{columns[0]} IS NOT NULL")
        op.drop_index(name, table_name="hazard")
        op.create_index(name, "hazard", columns, sqlite_where=where, postgresql_where=where)
    hazard_statistics_again(op.get_bind())


def downgrade() -> None:
    for name, columns in _INDEXES.items():
        op.drop_index(name, table_name="hazard")
        op.create_index(name, "hazard", columns)
    hazard_statistics_again(op.get_bind())
