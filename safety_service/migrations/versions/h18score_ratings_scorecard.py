"""The reporter's satisfaction rating of a closed hazard (满意/基本满意/不满意), one per hazard, and the
record of each ten-day (旬) scorecard summary sent. New tables only: existing rows are untouched.

Revision ID: h18score
Revises: 0012l
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import safety_service.database

revision: str = "h18score"
down_revision: str | tuple[str, ...] | None = "h18major"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hazard_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("rating", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("rated_at", safety_service.database.UTCDateTime(), nullable=False),
        sa.Column("changed_at", safety_service.database.UTCDateTime(), nullable=True),
        sa.CheckConstraint("rating IN ('satisfied','basic','dissatisfied')", name=op.f("ck_hazard_rating_rating")),
        sa.CheckConstraint("channel IN ('web','kiosk')", name=op.f("ck_hazard_rating_channel")),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"], name=op.f("fk_hazard_rating_hazard_id_hazard")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_rating")),
        sa.UniqueConstraint("hazard_id", name=op.f("uq_hazard_rating_hazard_id")),
    )
    op.create_index("ix_hazard_rating_rated_at", "hazard_rating", ["rated_at"], unique=False)
    op.create_table(
        "scorecard_ten_day_run",
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("at", safety_service.database.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("period_start", name=op.f("pk_scorecard_ten_day_run")),
    )


def downgrade() -> None:
    op.drop_table("scorecard_ten_day_run")
    op.drop_index("ix_hazard_rating_rated_at", table_name="hazard_rating")
    op.drop_table("hazard_rating")
