"""Major accident hazards per the law: the situations of 煤矿重大事故隐患判定标准 (应急管理部令第4号, 2020) seeded
in its wording, the situation a major hazard meets, its treatment plans (治理方案, 安监总局令第16号 第十五条),
production stops and resumptions (停产撤人/复产, 国务院令第446号), the reports sent (第十四条) and the listing for
supervision (挂牌督办). Existing hazards keep everything; a major one gets its situation at its next re-grading.

Revision ID: h18major
Revises: 0012l
Create Date: 2026-12-03
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "h18major"
down_revision: str | tuple[str, ...] | None = "0012l"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The text as this revision shipped it (later texts come by `safety-service major-criteria import`).
SEED = Path(__file__).resolve().parents[2] / "hazards" / "data" / "major_criteria_2020.json"
At = safety_service.database.UTCDateTime


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _user(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("user_account.id", name=op.f(f"fk_{name}_user_account")),
                     nullable=nullable)


def _hazard(table: str, unique: bool = False) -> sa.Column:
    return sa.Column("hazard_id", sa.Integer(), sa.ForeignKey("hazard.id", name=op.f(f"fk_{table}_hazard_id_hazard")),
                     nullable=False, unique=unique)


def _criteria() -> None:
    table = op.create_table(
        "major_hazard_criterion", _id(),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("category_no", sa.Integer(), nullable=False),
        sa.Column("category_title", sa.Text(), nullable=False),
        sa.Column("article", sa.Integer(), nullable=False),
        sa.Column("item_no", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", At(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_major_hazard_criterion")),
        sa.UniqueConstraint("code", name=op.f("uq_major_hazard_criterion_code")),
        sa.UniqueConstraint("article", "item_no", name="uq_major_hazard_criterion_article_item"),
    )
    stamp = datetime.now(UTC)
    document = json.loads(SEED.read_text(encoding="utf-8"))
    op.bulk_insert(table, [
        {"code": f"{c['article']}.{n}", "category_no": c["no"], "category_title": c["title"], "article": c["article"],
         "item_no": n, "text": text, "active": True, "updated_at": stamp}
        for c in document["categories"] for n, text in enumerate(c["items"], start=1)])


def _records() -> None:
    op.create_table(
        "major_treatment_plan", _id(), _hazard("major_treatment_plan"),
        *(sa.Column(name, sa.Text(), nullable=False) for name in (
            "situation_and_cause", "harm_and_difficulty", "goal_and_tasks", "methods_and_measures", "funds_and_materials", "organisation_and_people",
            "time_limit_and_requirements", "safety_and_emergency")),
        _user("submitted_by_id"), sa.Column("submitted_at", At(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _user("decided_by_id", True), sa.Column("decided_at", At(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('submitted','approved','returned')", name=op.f("ck_major_treatment_plan_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_major_treatment_plan")),
    )
    op.create_index("ix_major_treatment_plan_hazard", "major_treatment_plan", ["hazard_id", "id"])
    op.create_table(
        "major_production_stop", _id(), _hazard("major_production_stop"),
        sa.Column("area", sa.Text(), nullable=False), sa.Column("stopped_at", At(timezone=True), nullable=False),
        sa.Column("people_withdrawn", sa.Integer(), nullable=False),
        sa.Column("ordered_by", sa.String(length=64), nullable=False), _user("recorded_by_id"),
        sa.Column("note", sa.Text(), nullable=True), sa.Column("resumed_at", At(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.String(length=200), nullable=True), _user("resume_recorded_by_id", True),
        sa.Column("resume_note", sa.Text(), nullable=True),
        sa.CheckConstraint("people_withdrawn >= 0", name=op.f("ck_major_production_stop_people_withdrawn")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_major_production_stop")),
    )
    op.create_index("ix_major_production_stop_hazard", "major_production_stop", ["hazard_id", "id"])
    op.create_table(
        "major_report_sent", _id(), _hazard("major_report_sent"),
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("sent_at", At(timezone=True), nullable=False), _user("sent_by_id"),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("recipient IN ('regulator','workers_congress')", name=op.f("ck_major_report_sent_recipient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_major_report_sent")),
    )
    op.create_index("ix_major_report_sent_hazard", "major_report_sent", ["hazard_id", "id"])
    op.create_table(
        "major_supervision", _id(), _hazard("major_supervision", unique=True),
        sa.Column("order_no", sa.String(length=64), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("listed_at", At(timezone=True), nullable=False), _user("recorded_by_id"),
        sa.Column("accepted_at", At(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.String(length=200), nullable=True),
        sa.Column("delisted_at", At(timezone=True), nullable=True), sa.Column("accept_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_major_supervision")),
    )


def upgrade() -> None:
    _criteria()
    _records()
    # Plain ADD COLUMN: batch mode would recreate hazard, which many tables refer to.
    if op.get_bind().dialect.name == "sqlite":  # SQLite takes a reference only inline in ADD COLUMN
        op.execute("ALTER TABLE hazard ADD COLUMN major_criterion_id INTEGER CONSTRAINT "
                   "fk_hazard_major_criterion_id_major_hazard_criterion REFERENCES major_hazard_criterion (id)")
    else:
        op.add_column("hazard", sa.Column("major_criterion_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_hazard_major_criterion_id_major_hazard_criterion"), "hazard",
                              "major_hazard_criterion", ["major_criterion_id"], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE hazard DROP COLUMN major_criterion_id")
    else:
        op.drop_constraint(op.f("fk_hazard_major_criterion_id_major_hazard_criterion"), "hazard", type_="foreignkey")
        op.drop_column("hazard", "major_criterion_id")
    for table in ("major_supervision", "major_report_sent", "major_production_stop", "major_treatment_plan",
                  "major_hazard_criterion"):
        op.drop_table(table)
