"""Bulletins and their reads, kiosk notices, step time-limit breaches, supervisors, the reward ledger.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import safety_service.database

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bulletin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('title_zh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('body_zh', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=True),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('valid_from', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('valid_to', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('picture', sa.LargeBinary(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('retired_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('draft','published','retired')", name=op.f('ck_bulletin_state')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_bulletin_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin'))
    )
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.create_index('ix_bulletin_site_state', ['site', 'state'], unique=False)

    op.create_table('supervisor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('employee_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('term_from', sa.Date(), nullable=False),
    sa.Column('term_to', sa.Date(), nullable=True),
    sa.Column('appointed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('term_to IS NULL OR term_to >= term_from', name=op.f('ck_supervisor_term')),
    sa.ForeignKeyConstraint(['appointed_by_id'], ['user_account.id'], name=op.f('fk_supervisor_appointed_by_id_user_account')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_supervisor_area_id_area')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_supervisor_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervisor'))
    )
    with op.batch_alter_table('supervisor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervisor_area_id'), ['area_id'], unique=False)
        batch_op.create_index('ix_supervisor_employee_term', ['employee_no', 'term_from'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervisor_person_id'), ['person_id'], unique=False)

    op.create_table('bulletin_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('read_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=False),
    sa.Column('employee_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('kiosk_id', sa.Integer(), nullable=True),
    sa.Column('read_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletin.id'], name=op.f('fk_bulletin_read_bulletin_id_bulletin')),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], name=op.f('fk_bulletin_read_kiosk_id_kiosk')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_bulletin_read_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_read')),
    sa.UniqueConstraint('bulletin_id', 'employee_no', name=op.f('uq_bulletin_read_bulletin_id_employee_no')),
    sa.UniqueConstraint('read_id', name=op.f('uq_bulletin_read_read_id'))
    )
    with op.batch_alter_table('bulletin_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletin_read_person_id'), ['person_id'], unique=False)

    op.create_table('kiosk_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kiosk_id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazard.id'], name=op.f('fk_kiosk_notice_hazard_id_hazard')),
    sa.ForeignKeyConstraint(['kiosk_id'], ['kiosk.id'], name=op.f('fk_kiosk_notice_kiosk_id_kiosk')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk_notice'))
    )
    with op.batch_alter_table('kiosk_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_notice_hazard_id'), ['hazard_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kiosk_notice_kiosk_id'), ['kiosk_id'], unique=False)

    op.create_table('reward_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('employee_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.Column('unique_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('award','bonus','reversal','claim','payout')", name=op.f('ck_reward_entry_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_reward_entry_actor_id_user_account')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazard.id'], name=op.f('fk_reward_entry_hazard_id_hazard')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward_entry')),
    sa.UniqueConstraint('unique_key', name=op.f('uq_reward_entry_unique_key'))
    )
    with op.batch_alter_table('reward_entry', schema=None) as batch_op:
        batch_op.create_index('ix_reward_entry_employee', ['employee_no', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_entry_hazard_id'), ['hazard_id'], unique=False)

    op.create_table('step_breach',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('started_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazard.id'], name=op.f('fk_step_breach_hazard_id_hazard')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_breach')),
    sa.UniqueConstraint('hazard_id', 'step', 'started_at', name=op.f('uq_step_breach_hazard_id_step_started_at'))
    )
    with op.batch_alter_table('step_breach', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_breach_hazard_id'), ['hazard_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('step_breach', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_breach_hazard_id'))

    op.drop_table('step_breach')
    with op.batch_alter_table('reward_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_entry_hazard_id'))
        batch_op.drop_index('ix_reward_entry_employee')

    op.drop_table('reward_entry')
    with op.batch_alter_table('kiosk_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_notice_kiosk_id'))
        batch_op.drop_index(batch_op.f('ix_kiosk_notice_hazard_id'))

    op.drop_table('kiosk_notice')
    with op.batch_alter_table('bulletin_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletin_read_person_id'))

    op.drop_table('bulletin_read')
    with op.batch_alter_table('supervisor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervisor_person_id'))
        batch_op.drop_index('ix_supervisor_employee_term')
        batch_op.drop_index(batch_op.f('ix_supervisor_area_id'))

    op.drop_table('supervisor')
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.drop_index('ix_bulletin_site_state')

    op.drop_table('bulletin')
