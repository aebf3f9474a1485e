"""Families as co-supervisors (家属协管): the worker's consent on each family contact, the family co-guarantee
(家属联保书), co-supervisors' phone links with what the worker agreed to share, family visits recorded through
them, and family messages (亲情寄语) for the kiosks.

Existing family contacts keep a blank consent (it was never recorded); existing cases keep their counsellor.

Revision ID: 0013f
Revises: 0013w
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "0013f"
down_revision: str | tuple[str, ...] | None = "0013w"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = safety_service.database.UTCDateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def _guarantee() -> None:
    name = "family_guarantee"
    op.create_table(
        name,
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("family_contact_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTC_DATETIME, nullable=False),
        sa.Column("scan", sa.LargeBinary(), nullable=True),
        sa.Column("scan_thumbnail", sa.LargeBinary(), nullable=True),
        sa.Column("scan_width", sa.Integer(), nullable=True),
        sa.Column("scan_height", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        _fk(name, "case_id", "counselling_case"), _fk(name, "family_contact_id", "family_contact"),
        _fk(name, "recorded_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("case_id", name=op.f(f"uq_{name}_case_id")),
    )


def _link() -> None:
    name = "family_link"
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("family_contact_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("share_stage", sa.Boolean(), nullable=False),
        sa.Column("share_plan", sa.Boolean(), nullable=False),
        sa.Column("share_sessions", sa.Boolean(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("revoked_at", UTC_DATETIME, nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        _fk(name, "case_id", "counselling_case"), _fk(name, "family_contact_id", "family_contact"),
        _fk(name, "issued_by_id", "user_account"), _fk(name, "revoked_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index("ix_family_link_case", name, ["case_id", "id"])


def _visit() -> None:
    name = "family_visit"
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("family_contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("kind IN ('visit','talk')", name=op.f(f"ck_{name}_kind")),
        _fk(name, "case_id", "counselling_case"), _fk(name, "link_id", "family_link"),
        _fk(name, "family_contact_id", "family_contact"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index("ix_family_visit_case_held", name, ["case_id", "held_on"])


def _message() -> None:
    name = "family_message"
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("family_contact_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=140), nullable=False),
        sa.Column("signature", sa.String(length=32), nullable=False),
        sa.Column("kiosk_consent", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_thumbnail", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint("state IN ('pending','shown','withdrawn')", name=op.f(f"ck_{name}_state")),
        _fk(name, "case_id", "counselling_case"), _fk(name, "family_contact_id", "family_contact"),
        _fk(name, "link_id", "family_link"), _fk(name, "reviewed_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_case_id"), name, ["case_id"])
    op.create_index("ix_family_message_state", name, ["state", "id"])


def upgrade() -> None:
    with op.batch_alter_table("family_contact") as batch:
        batch.add_column(sa.Column("worker_consent_at", UTC_DATETIME, nullable=True))
    _guarantee()
    _link()
    _visit()
    _message()


def downgrade() -> None:
    op.drop_table("family_message")
    op.drop_table("family_visit")
    op.drop_table("family_link")
    op.drop_table("family_guarantee")
    with op.batch_alter_table("family_contact") as batch:
        batch.drop_column("worker_consent_at")
