"""Escalations reach the kiosks of the hazard's area: which hazard each area notice told a kiosk about,
at which escalation level, so each is told once.

Revision ID: n017k
Revises: 0011v
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "n017k"
down_revision: str | tuple[str, ...] | None = "0011v"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kiosk_notice_hazard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["kiosk_notice.id"],
                                name=op.f("fk_kiosk_notice_hazard_notice_id_kiosk_notice")),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosk.id"], name=op.f("fk_kiosk_notice_hazard_kiosk_id_kiosk")),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"], name=op.f("fk_kiosk_notice_hazard_hazard_id_hazard")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_notice_hazard")),
        sa.UniqueConstraint("kiosk_id", "hazard_id", "level", name=op.f("uq_kiosk_notice_hazard_kiosk_id_hazard_id_level")),
    )
    op.create_index(op.f("ix_kiosk_notice_hazard_notice_id"), "kiosk_notice_hazard", ["notice_id"], unique=False)
    op.create_index(op.f("ix_kiosk_notice_hazard_hazard_id"), "kiosk_notice_hazard", ["hazard_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kiosk_notice_hazard_hazard_id"), table_name="kiosk_notice_hazard")
    op.drop_index(op.f("ix_kiosk_notice_hazard_notice_id"), table_name="kiosk_notice_hazard")
    op.drop_table("kiosk_notice_hazard")
