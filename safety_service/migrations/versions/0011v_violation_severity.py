"""Violations (三违) get a severity, an entry of the standard list admins keep, a repeat mark and measures;
cases get a 一帮一 mentor, and counsellors who lead a unit's counsellors are recorded.

The standard list (三违界定标准) is seeded with common items, their default severity and measures;
admins change it in the console.

Revision ID: 0011v
Revises: n016
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "0011v"
down_revision: str | tuple[str, ...] | None = "n016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# kind, title, severity, fine (yuan), study class days, talk, suspension days
ITEMS = (
    ("illegal_command", "强令职工冒险作业", "serious", 1000, 5, True, 0),
    ("illegal_command", "安排未经培训或无证人员上岗作业", "serious", 500, 5, True, 0),
    ("illegal_command", "指挥人员进入瓦斯超限或无风区域", "serious", 1000, 5, True, 0),
    ("illegal_command", "未按规程措施组织生产", "general", 200, 0, True, 0),
    ("illegal_operation", "未停电、验电、放电即进行电气检修", "serious", 500, 5, True, 3),
    ("illegal_operation", "空顶作业或未执行敲帮问顶", "serious", 500, 5, True, 0),
    ("illegal_operation", "违章放炮（未执行“一炮三检”“三人连锁”）", "serious", 500, 5, True, 3),
    ("illegal_operation", "扒车、跳车或乘坐不允许乘人的车辆", "serious", 300, 3, True, 0),
    ("illegal_operation", "未按规定佩戴自救器或矿灯", "general", 100, 0, True, 0),
    ("illegal_operation", "带电移动设备或拆除保护装置", "general", 200, 0, True, 0),
    ("illegal_operation", "在未支护的巷道中作业", "general", 200, 0, True, 0),
    ("labour_discipline", "酒后入井或班中饮酒", "serious", 500, 5, True, 0),
    ("labour_discipline", "井下睡岗、脱岗、串岗", "general", 100, 0, True, 0),
    ("labour_discipline", "携带烟火入井", "serious", 1000, 5, True, 0),
    ("labour_discipline", "不服从现场管理人员安全指令", "general", 100, 0, True, 0),
    ("labour_discipline", "未按规定穿戴劳动防护用品", "irregular", 50, 0, True, 0),
    ("labour_discipline", "井下乱扔杂物、随地便溺", "irregular", 50, 0, False, 0),
)


def upgrade() -> None:
    item = op.create_table(
        "violation_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("fine_yuan", sa.Integer(), nullable=False),
        sa.Column("study_days", sa.Integer(), nullable=False),
        sa.Column("talk", sa.Boolean(), nullable=False),
        sa.Column("suspension_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('illegal_command','illegal_operation','labour_discipline')",
                           name=op.f("ck_violation_item_kind")),
        sa.CheckConstraint("severity IN ('general','serious','irregular')", name=op.f("ck_violation_item_severity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_violation_item")),
        sa.UniqueConstraint("title", name=op.f("uq_violation_item_title")),
    )
    op.bulk_insert(item, [
        {"kind": k, "title": t, "severity": s, "fine_yuan": f, "study_days": d, "talk": talk, "suspension_days": sd,
         "active": True}
        for k, t, s, f, d, talk, sd in ITEMS
    ])
    with op.batch_alter_table("violation") as batch:
        batch.add_column(sa.Column("severity", sa.String(length=16), nullable=False, server_default="general"))
        batch.add_column(sa.Column("item_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("repeat", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_check_constraint("severity", "severity IN ('general','serious','irregular')")
        batch.create_foreign_key(op.f("fk_violation_item_id_violation_item"), "violation_item", ["item_id"], ["id"])
    op.create_table(
        "violation_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("violation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("completed_at", safety_service.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.CheckConstraint("kind IN ('fine','study_class','talk','suspension')", name=op.f("ck_violation_measure_kind")),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_violation_measure_amount")),
        sa.ForeignKeyConstraint(["completed_by_id"], ["user_account.id"],
                                name=op.f("fk_violation_measure_completed_by_id_user_account")),
        sa.ForeignKeyConstraint(["violation_id"], ["violation.id"],
                                name=op.f("fk_violation_measure_violation_id_violation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_violation_measure")),
    )
    op.create_index("ix_violation_measure_violation", "violation_measure", ["violation_id", "kind"], unique=True)
    # Plain ADD COLUMNs: batch mode would recreate counselling_case, which events and violations refer to.
    if op.get_bind().dialect.name == "sqlite":  # SQLite takes a reference only inline in ADD COLUMN
        op.execute("ALTER TABLE counselling_case ADD COLUMN mentor_person_id INTEGER "
                   "CONSTRAINT fk_counselling_case_mentor_person_id_person REFERENCES person (id)")
    else:
        op.add_column("counselling_case", sa.Column("mentor_person_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_counselling_case_mentor_person_id_person"), "counselling_case", "person",
                              ["mentor_person_id"], ["id"])
    op.add_column("counselling_case", sa.Column("mentor_role", sa.String(length=16), nullable=True))
    op.add_column("counselling_case", sa.Column("referred_on", sa.Date(), nullable=True))
    op.create_table(
        "counsellor_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_counsellor_unit_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellor_unit")),
    )
    op.create_index("ix_counsellor_unit_user_team", "counsellor_unit", ["user_id", "team"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_counsellor_unit_user_team", table_name="counsellor_unit")
    op.drop_table("counsellor_unit")
    op.drop_column("counselling_case", "referred_on")
    op.drop_column("counselling_case", "mentor_role")
    if op.get_bind().dialect.name == "sqlite":  # SQLite keeps the column's inline reference; drop it in batch
        with op.batch_alter_table("counselling_case") as batch:
            batch.drop_column("mentor_person_id")
    else:
        op.drop_constraint(op.f("fk_counselling_case_mentor_person_id_person"), "counselling_case",
                           type_="foreignkey")
        op.drop_column("counselling_case", "mentor_person_id")
    op.drop_index("ix_violation_measure_violation", table_name="violation_measure")
    op.drop_table("violation_measure")
    with op.batch_alter_table("violation") as batch:
        batch.drop_constraint(op.f("fk_violation_item_id_violation_item"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_violation_severity"), type_="check")
        batch.drop_column("repeat")
        batch.drop_column("item_id")
        batch.drop_column("severity")
    op.drop_table("violation_item")
