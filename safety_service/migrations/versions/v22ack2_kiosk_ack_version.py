"""Each kiosk's ack version (kiosk-ack/1 or /2), recorded from its status message; every existing kiosk
keeps kiosk-ack/1 until its status says it reads kiosk-ack/2.

Revision ID: v22ack2
Revises: h16sweep
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "v22ack2"
down_revision: str | tuple[str, ...] | None = "h16sweep"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("kiosk", sa.Column("ack_version", sa.SmallInteger(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("kiosk") as batch:
        batch.drop_column("ack_version")
