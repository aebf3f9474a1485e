"""An area escalation notice's hazards are recorded once for the kiosks that got it, not once per kiosk:
``area_notice`` (one per sweep and place) with ``area_notice_hazard`` (hazard, level), and
``kiosk_notice.area_notice_id`` pointing at it; ``kiosk_notice_hazard`` goes. Each existing notice's
rows carry forward as an area notice of its own (same id as the kiosk notice), so every kiosk still
knows what it was told, at which level.

Revision ID: h16sweep
Revises: u18criteria
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "h16sweep"
down_revision: str | tuple[str, ...] | None = "u18criteria"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "fk_kiosk_notice_area_notice_id_area_notice"


def upgrade() -> None:
    op.create_table(
        "area_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", safety_service.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_notice")),
    )
    op.create_table(
        "area_notice_hazard",
        sa.Column("area_notice_id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_notice_id"], ["area_notice.id"],
                                name=op.f("fk_area_notice_hazard_area_notice_id_area_notice")),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"], name=op.f("fk_area_notice_hazard_hazard_id_hazard")),
        sa.PrimaryKeyConstraint("area_notice_id", "hazard_id", name=op.f("pk_area_notice_hazard")),
    )
    op.create_index(op.f("ix_area_notice_hazard_hazard_id"), "area_notice_hazard", ["hazard_id"], unique=False)
    _add_area_notice_column()
    op.create_index(op.f("ix_kiosk_notice_area_notice_id"), "kiosk_notice", ["area_notice_id"], unique=False)
    _carry_forward()
    op.drop_index(op.f("ix_kiosk_notice_hazard_hazard_id"), table_name="kiosk_notice_hazard")
    op.drop_index(op.f("ix_kiosk_notice_hazard_notice_id"), table_name="kiosk_notice_hazard")
    op.drop_table("kiosk_notice_hazard")


def _add_area_notice_column() -> None:
    """A plain ADD COLUMN with its foreign key (batch mode would recreate a table others refer to;
    SQLite takes the reference only inline)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE kiosk_notice ADD COLUMN area_notice_id INTEGER CONSTRAINT {FK_NAME} "
                   "REFERENCES area_notice (id)")
    else:
        op.add_column("kiosk_notice", sa.Column("area_notice_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(FK_NAME), "kiosk_notice", "area_notice", ["area_notice_id"], ["id"])


def _carry_forward() -> None:
    """Each kiosk notice that named hazards becomes an area notice of its own, with the same id."""
    bind = op.get_bind()
    bind.execute(sa.text("INSERT INTO area_notice (id, created_at) SELECT id, created_at FROM kiosk_notice "
                         "WHERE id IN (SELECT notice_id FROM kiosk_notice_hazard)"))
    bind.execute(sa.text("INSERT INTO area_notice_hazard (area_notice_id, hazard_id, level) "
                         "SELECT notice_id, hazard_id, MAX(level) FROM kiosk_notice_hazard GROUP BY notice_id, hazard_id"))
    bind.execute(sa.text("UPDATE kiosk_notice SET area_notice_id = id WHERE id IN (SELECT id FROM area_notice)"))
    if bind.dialect.name == "postgresql":  # ids were given: the sequence starts after them
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('area_notice', 'id'), "
                             "COALESCE((SELECT MAX(id) FROM area_notice), 0) + 1, false)"))


def downgrade() -> None:
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
    op.get_bind().execute(sa.text(
        "INSERT INTO kiosk_notice_hazard (notice_id, kiosk_id, hazard_id, level) "
        "SELECT n.id, n.kiosk_id, h.hazard_id, h.level FROM kiosk_notice n "
        "JOIN area_notice_hazard h ON h.area_notice_id = n.area_notice_id"))
    op.drop_index(op.f("ix_kiosk_notice_area_notice_id"), table_name="kiosk_notice")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE kiosk_notice DROP COLUMN area_notice_id")
    else:
        op.drop_constraint(op.f(FK_NAME), "kiosk_notice", type_="foreignkey")
        op.drop_column("kiosk_notice", "area_notice_id")
    op.drop_index(op.f("ix_area_notice_hazard_hazard_id"), table_name="area_notice_hazard")
    op.drop_table("area_notice_hazard")
    op.drop_table("area_notice")
