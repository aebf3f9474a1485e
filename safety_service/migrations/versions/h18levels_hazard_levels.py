"""Hazard levels A (矿级), B (科级), C (区队级) as data: who assigns, who verifies, the default time limit.
Existing general hazards get the default level (C); major hazards have none (the law's rules apply).

Revision ID: h18levels
Revises: h18units
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "h18levels"
down_revision: str | tuple[str, ...] | None = "h18units"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# code, Chinese name, English name, order, fix days, who assigns, who verifies, default
LEVELS = (
    ("A", "矿级", "Mine", 1, 15, "chief", "chief", False),
    ("B", "科级", "Section", 2, 7, "officer", "officer", False),
    ("C", "区队级", "Team", 3, 3, "officer", "unit_leader", True),
)


def upgrade() -> None:
    level = op.create_table(
        "hazard_level",
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("fix_days", sa.Integer(), nullable=False),
        sa.Column("assign_by", sa.String(length=16), nullable=False),
        sa.Column("verify_by", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.CheckConstraint("assign_by IN ('chief','officer')", name=op.f("ck_hazard_level_assign_by")),
        sa.CheckConstraint("verify_by IN ('chief','officer','unit_leader')", name=op.f("ck_hazard_level_verify_by")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_level")),
        sa.UniqueConstraint("code", name=op.f("uq_hazard_level_code")),
    )
    op.bulk_insert(level, [
        {"code": code, "name_zh": zh, "name_en": en, "sort_order": order, "fix_days": days, "assign_by": assign,
         "verify_by": verify, "is_default": default}
        for code, zh, en, order, days, assign, verify, default in LEVELS
    ])
    name = "fk_hazard_level_id_hazard_level"
    if op.get_bind().dialect.name == "sqlite":  # the reference only inline (see h18units)
        op.execute(f"ALTER TABLE hazard ADD COLUMN level_id INTEGER CONSTRAINT {name} REFERENCES hazard_level (id)")
    else:
        op.add_column("hazard", sa.Column("level_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(name), "hazard", "hazard_level", ["level_id"], ["id"])
    op.execute("UPDATE hazard SET level_id = (SELECT id FROM hazard_level WHERE is_default) "
               "WHERE grade = 'general'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE hazard DROP COLUMN level_id")
    else:
        op.drop_constraint(op.f("fk_hazard_level_id_hazard_level"), "hazard", type_="foreignkey")
        op.drop_column("hazard", "level_id")
    op.drop_table("hazard_level")
