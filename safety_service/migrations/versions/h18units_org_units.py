"""Organisation units (矿 → 科室/区队 → 班组): people belong to one, areas and locations are in one's
charge, a hazard's fix names one (责任单位). Existing people's team names become units under the mine,
and existing hazards get the unit of their owner.

Revision ID: h18units
Revises: 0019r
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "h18units"
down_revision: str | tuple[str, ...] | None = "0019r"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, index made on the new column); the hazard's is for cutting figures by unit.
_UNIT_COLUMNS = (("person", "ix_person_unit_id"), ("area", "ix_area_unit_id"), ("location", "ix_location_unit_id"),
                 ("hazard", None))


def upgrade() -> None:
    op.create_table(
        "org_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('mine','section','team','crew')", name=op.f("ck_org_unit_kind")),
        sa.ForeignKeyConstraint(["leader_id"], ["user_account.id"], name=op.f("fk_org_unit_leader_id_user_account")),
        sa.ForeignKeyConstraint(["parent_id"], ["org_unit.id"], name=op.f("fk_org_unit_parent_id_org_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_unit")),
    )
    op.create_index(op.f("ix_org_unit_code"), "org_unit", ["code"], unique=True)
    op.create_index(op.f("ix_org_unit_parent_id"), "org_unit", ["parent_id"], unique=False)
    op.create_index(op.f("ix_org_unit_leader_id"), "org_unit", ["leader_id"], unique=False)
    for table, index in _UNIT_COLUMNS:
        _add_unit_column(table)
        if index:
            op.create_index(op.f(index), table, ["unit_id"], unique=False)
    op.create_index("ix_hazard_unit_reported", "hazard", ["unit_id", "reported_at"], unique=False)
    _carry_forward()


def _add_unit_column(table: str) -> None:
    """A plain ADD COLUMN with its foreign key (batch mode would recreate tables that others refer to;
    SQLite takes the reference only inline, where Alembic cannot write it)."""
    name = f"fk_{table}_unit_id_org_unit"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN unit_id INTEGER CONSTRAINT {name} REFERENCES org_unit (id)")
    else:
        op.add_column(table, sa.Column("unit_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(name), table, "org_unit", ["unit_id"], ["id"])


def _carry_forward() -> None:
    """Team names become units under the mine; people join theirs; hazards take their owner's unit."""
    bind = op.get_bind()
    teams = bind.execute(sa.text("SELECT DISTINCT team FROM person WHERE team IS NOT NULL AND team <> '' "
                                 "ORDER BY team")).scalars().all()
    if not teams:
        return
    site = bind.execute(sa.text("SELECT name_zh FROM site ORDER BY id LIMIT 1")).scalar()
    bind.execute(sa.text("INSERT INTO org_unit (code, name_zh, name_en, kind, active) "
                         "VALUES ('MINE', :name, '', 'mine', true)"), {"name": site or "本矿"})
    mine = bind.execute(sa.text("SELECT id FROM org_unit WHERE code = 'MINE'")).scalar_one()
    for number, team in enumerate(teams, start=1):
        bind.execute(sa.text("INSERT INTO org_unit (code, name_zh, name_en, kind, parent_id, active) "
                             "VALUES (:code, :name, '', 'team', :mine, true)"),
                     {"code": f"U{number:03d}", "name": team[:64], "mine": mine})
    bind.execute(sa.text("UPDATE person SET unit_id = (SELECT org_unit.id FROM org_unit "
                         "WHERE org_unit.name_zh = person.team AND org_unit.kind = 'team') WHERE team IS NOT NULL"))
    bind.execute(sa.text("UPDATE hazard SET unit_id = (SELECT person.unit_id FROM user_account "
                         "JOIN person ON person.id = user_account.person_id WHERE user_account.id = hazard.owner_id) "
                         "WHERE owner_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_hazard_unit_reported", table_name="hazard")
    for table, index in reversed(_UNIT_COLUMNS):
        if index:
            op.drop_index(op.f(index), table_name=table)
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN unit_id")
        else:
            op.drop_constraint(op.f(f"fk_{table}_unit_id_org_unit"), table, type_="foreignkey")
            op.drop_column(table, "unit_id")
    op.drop_table("org_unit")
