"""Cash rewards per 安委〔2024〕7号 and workers' reports of unsafe behaviour: the reward scale (奖励标准, by grade
and report type, seeded with a mine's starting amounts), the award of each report with its approval and payment,
the hazard's behaviour fields (when, and who if the reporter says) and the decision on each behaviour report.

Revision ID: 0013w
Revises: 0020r
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "0013w"
down_revision: str | tuple[str, ...] | None = "0020r"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORT_TYPES = "'unsafe_act','unsafe_condition','environment','management'"
# Yuan per confirmed report: the mine's starting scale (admins change it); a major hazard earns far more, as the
# guidance asks (重大事故隐患重奖), and 违章指挥/管理缺陷 reports weigh more than a single unsafe condition.
SCALE = (
    ("general", "unsafe_act", "200.00"),
    ("general", "unsafe_condition", "100.00"),
    ("general", "environment", "100.00"),
    ("general", "management", "200.00"),
    ("major", "unsafe_act", "2000.00"),
    ("major", "unsafe_condition", "2000.00"),
    ("major", "environment", "2000.00"),
    ("major", "management", "3000.00"),
)


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, safety_service.database.UTCDateTime(timezone=True), nullable=nullable)


def _user(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["user_account.id"], name=op.f(f"fk_{table}_{column}_user_account"))


def upgrade() -> None:
    scale = op.create_table(
        "reward_scale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("report_type", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.Numeric(10, 2), nullable=False),
        _at("updated_at", nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("grade IN ('general','major')", name=op.f("ck_reward_scale_grade")),
        sa.CheckConstraint(f"report_type IN ({REPORT_TYPES})", name=op.f("ck_reward_scale_report_type")),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_reward_scale_amount")),
        _user("reward_scale", "updated_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_scale")),
        sa.UniqueConstraint("grade", "report_type", name=op.f("uq_reward_scale_grade_report_type")),
    )
    stamp = datetime.now(UTC)
    op.bulk_insert(scale, [{"grade": g, "report_type": rt, "amount": amount, "updated_at": stamp}
                           for g, rt, amount in SCALE])
    op.create_table(
        "reward_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("report_type", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        _at("proposed_at", nullable=False),
        sa.Column("proposal_note", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        _at("decided_at"),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("paid_by_id", sa.Integer(), nullable=True),
        _at("paid_at"),
        sa.Column("pay_method", sa.String(length=16), nullable=True),
        sa.Column("paid_to", sa.String(length=32), nullable=True),
        sa.Column("pay_note", sa.Text(), nullable=True),
        sa.Column("shown_name", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("state IN ('proposed','approved','refused','paid')", name=op.f("ck_reward_award_state")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_reward_award_amount")),
        sa.CheckConstraint("pay_method IS NULL OR pay_method IN ('cash','transfer','wages','goods')",
                           name=op.f("ck_reward_award_pay_method")),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"], name=op.f("fk_reward_award_hazard_id_hazard")),
        _user("reward_award", "proposed_by_id"),
        _user("reward_award", "decided_by_id"),
        _user("reward_award", "paid_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_award")),
        sa.UniqueConstraint("hazard_id", name=op.f("uq_reward_award_hazard_id")),
    )
    op.create_index("ix_reward_award_state_proposed", "reward_award", ["state", "proposed_at"])
    # Plain ADD COLUMNs: batch mode would recreate hazard, which many tables refer to.
    op.add_column("hazard", sa.Column("behaviour_person", sa.String(length=64), nullable=True))
    op.add_column("hazard", _at("behaviour_at"))
    op.create_table(
        "behaviour_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("violation_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        _at("decided_at", nullable=False),
        sa.CheckConstraint("outcome IN ('violation','rejected')", name=op.f("ck_behaviour_decision_outcome")),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"], name=op.f("fk_behaviour_decision_hazard_id_hazard")),
        sa.ForeignKeyConstraint(["violation_id"], ["violation.id"],
                                name=op.f("fk_behaviour_decision_violation_id_violation")),
        _user("behaviour_decision", "decided_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_behaviour_decision")),
        sa.UniqueConstraint("hazard_id", name=op.f("uq_behaviour_decision_hazard_id")),
    )


def downgrade() -> None:
    op.drop_table("behaviour_decision")
    op.drop_column("hazard", "behaviour_at")
    op.drop_column("hazard", "behaviour_person")
    op.drop_index("ix_reward_award_state_proposed", table_name="reward_award")
    op.drop_table("reward_award")
    op.drop_table("reward_scale")
