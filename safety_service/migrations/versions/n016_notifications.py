"""Notifications that reach people: channels, the delivery outbox and its attempts, preferences; the
urgent path (hazard.urgent and its acknowledgement), deadline warnings, the dispatcher role, email.

Revision ID: n016
Revises: h18changes
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import safety_service.database

revision: str = "n016"
down_revision: str | tuple[str, ...] | None = "h18changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = "'miner','supervisor','officer','owner','chief','counsellor','admin'"
NEW_ROLES = OLD_ROLES + ",'dispatcher'"


def _at(name: str) -> sa.Column:
    return sa.Column(name, safety_service.database.UTCDateTime(timezone=True), nullable=True)


def _string(name: str, length: int, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "notify_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        _string("name", 64), sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False), _string("target_hint", 120),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("events", sa.JSON(), nullable=False), sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("grades", sa.JSON(), nullable=False), sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", safety_service.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('wecom','dingtalk','feishu','webhook','email')",
                           name=op.f("ck_notify_channel_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_channel")),
        sa.UniqueConstraint("name", name=op.f("uq_notify_channel_name")),
    )
    op.create_table(
        "notify_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("at", safety_service.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False), sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True), _string("detail", 500, nullable=True),
        sa.ForeignKeyConstraint(["channel_id"], ["notify_channel.id"],
                                name=op.f("fk_notify_attempt_channel_id_notify_channel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_attempt")),
    )
    op.create_index(op.f("ix_notify_attempt_channel_id"), "notify_attempt", ["channel_id"], unique=False)
    op.create_table(
        "notify_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True), sa.Column("hazard_id", sa.Integer(), nullable=True),
        _string("kind", 32), sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True), _string("state", 16),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", safety_service.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", safety_service.database.UTCDateTime(timezone=True), nullable=False),
        _at("claimed_until"), _string("claim", 32, nullable=True), _at("sent_at"),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('pending','sent','failed')", name=op.f("ck_notify_delivery_state")),
        sa.ForeignKeyConstraint(["attempt_id"], ["notify_attempt.id"],
                                name=op.f("fk_notify_delivery_attempt_id_notify_attempt")),
        sa.ForeignKeyConstraint(["channel_id"], ["notify_channel.id"],
                                name=op.f("fk_notify_delivery_channel_id_notify_channel")),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazard.id"], name=op.f("fk_notify_delivery_hazard_id_hazard")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_notify_delivery_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_delivery")),
    )
    op.create_index(op.f("ix_notify_delivery_channel_id"), "notify_delivery", ["channel_id"], unique=False)
    op.create_index("ix_notify_delivery_due", "notify_delivery", ["state", "next_attempt_at"], unique=False)
    op.create_table(
        "notify_preference",
        sa.Column("id", sa.Integer(), nullable=False), sa.Column("user_id", sa.Integer(), nullable=False),
        _string("channel", 16), _string("event", 32), sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_notify_preference_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_preference")),
        sa.UniqueConstraint("user_id", "channel", "event", name="uq_notify_preference"),
    )
    op.create_index(op.f("ix_notify_preference_user_id"), "notify_preference", ["user_id"], unique=False)
    op.create_table(
        "notify_digest_run",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", safety_service.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_notify_digest_run")),
    )
    # Plain ADD COLUMNs: batch mode would recreate tables that others refer to.
    op.add_column("hazard", sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))
    for name in ("urgent_at", "urgent_acknowledged_at", "urgent_escalated_at", "warned_at"):
        op.add_column("hazard", _at(name))
    op.add_column("user_account", _string("email", 254, nullable=True))
    _roles(OLD_ROLES, NEW_ROLES)


def downgrade() -> None:
    op.execute("DELETE FROM user_account WHERE role = 'dispatcher' AND id NOT IN "
               "(SELECT actor_id FROM hazard_event WHERE actor_id IS NOT NULL)")
    op.execute("UPDATE user_account SET role = 'officer', is_active = false WHERE role = 'dispatcher'")
    _roles(NEW_ROLES, OLD_ROLES)
    op.drop_column("user_account", "email")
    for name in ("warned_at", "urgent_escalated_at", "urgent_acknowledged_at", "urgent_at", "urgent"):
        op.drop_column("hazard", name)
    for table in ("notify_digest_run", "notify_preference", "notify_delivery", "notify_attempt", "notify_channel"):
        op.drop_table(table)


def _roles(old: str, new: str) -> None:
    """Change user_account's role check without rebuilding the table (every history row refers to it).

    PostgreSQL: drop and add the constraint. SQLite has no ALTER CONSTRAINT; its documented way to
    change a CHECK that leaves stored rows valid is editing the table's SQL in sqlite_schema with
    writable_schema and bumping schema_version (sqlite.org/lang_altertable.html, "other kinds of
    table schema changes"): widening the list keeps every row valid; narrowing it runs after the
    dispatcher rows are gone.
    """
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_user_account_role"), "user_account", type_="check")
        op.create_check_constraint(op.f("ck_user_account_role"), "user_account", f"role IN ({new})")
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'user_account'").scalar()
    if f"role IN ({old})" not in sql:
        raise RuntimeError("user_account's role check is not the expected one; refusing to edit it")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'user_account'",
                         (sql.replace(f"role IN ({old})", f"role IN ({new})"),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
