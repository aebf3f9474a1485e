"""Photos of hazard reports (a bounded JPEG without metadata and a thumbnail).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import safety_service.database

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('hazard_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('thumbnail', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazard.id'], name=op.f('fk_hazard_photo_hazard_id_hazard')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_photo'))
    )
    with op.batch_alter_table('hazard_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazard_photo_hazard_id'), ['hazard_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('hazard_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_photo_hazard_id'))

    op.drop_table('hazard_photo')
