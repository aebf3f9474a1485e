"""A missed inspection round climbs a ladder (inspector, unit leader and officers, chief), each step once:
``inspection_round.escalation_level`` and ``escalated_at``. Rounds already missed were told under the single
notice of before, so they start at the top (no flood of old steps after the upgrade). The boards job finds
an area's last queued board by topic: an index on ``mqtt_outbox (topic, id)``.

Revision ID: 0020r
Revises: h18score
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import safety_service.database

revision: str = "0020r"
down_revision: str | tuple[str, ...] | None = "h18score"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOP = 3


def upgrade() -> None:
    with op.batch_alter_table("inspection_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalation_level", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("escalated_at", safety_service.database.UTCDateTime(), nullable=True))
    rounds = sa.table("inspection_round", sa.column("state", sa.String), sa.column("escalation_level", sa.Integer))
    op.execute(rounds.update().where(rounds.c.state == "missed").values(escalation_level=TOP))
    with op.batch_alter_table("mqtt_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_mqtt_outbox_topic_id", ["topic", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mqtt_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_mqtt_outbox_topic_id")
    with op.batch_alter_table("inspection_round", schema=None) as batch_op:
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("escalation_level")
