"""Kiosks with their broker credentials, the MQTT outbox and dead letters.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import safety_service.database

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mqtt_dead_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('kiosk_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('received_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mqtt_dead_letter'))
    )
    with op.batch_alter_table('mqtt_dead_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mqtt_dead_letter_kiosk_id'), ['kiosk_id'], unique=False)

    op.create_table('mqtt_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('qos', sa.Integer(), nullable=False),
    sa.Column('retain', sa.Boolean(), nullable=False),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mqtt_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_mqtt_outbox_key'))
    )
    with op.batch_alter_table('mqtt_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mqtt_outbox_pending', ['published_at', 'id'], unique=False)

    op.create_table('kiosk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('software_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_kiosk_location_id_location')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_kiosk_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk'))
    )
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_kiosk_id'), ['kiosk_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_kiosk_location_id'), ['location_id'], unique=False)

    # A plain ADD COLUMN: recreating the hazard table in batch mode would drop SQLite's FTS triggers.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE hazard ADD COLUMN kiosk_id INTEGER "
                   "CONSTRAINT fk_hazard_kiosk_id_kiosk REFERENCES kiosk (id)")
    else:
        op.add_column("hazard", sa.Column("kiosk_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_hazard_kiosk_id_kiosk", "hazard", "kiosk", ["kiosk_id"], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE hazard DROP COLUMN kiosk_id")
    else:
        op.drop_constraint("fk_hazard_kiosk_id_kiosk", "hazard", type_="foreignkey")
        op.drop_column("hazard", "kiosk_id")

    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_location_id'))
        batch_op.drop_index(batch_op.f('ix_kiosk_kiosk_id'))

    op.drop_table('kiosk')
    with op.batch_alter_table('mqtt_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_mqtt_outbox_pending')

    op.drop_table('mqtt_outbox')
    with op.batch_alter_table('mqtt_dead_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mqtt_dead_letter_kiosk_id'))

    op.drop_table('mqtt_dead_letter')
