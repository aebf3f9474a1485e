"""Family-involved help-education (亲情帮教): violations, counselling cases, families, sessions,
agreements and the case access log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import safety_service.database

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('counselling_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('active_person_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('counsellor_id', sa.Integer(), nullable=True),
    sa.Column('plan', sa.Text(), nullable=True),
    sa.Column('opened_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('counselling_since', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_observation_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('observation_started_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('observation_ends_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_due_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_session_due_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('session_reminded_for', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('opened','planned','counselling','observation','closed')", name=op.f('ck_counselling_case_state')),
    sa.ForeignKeyConstraint(['counsellor_id'], ['user_account.id'], name=op.f('fk_counselling_case_counsellor_id_user_account')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_counselling_case_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselling_case')),
    sa.UniqueConstraint('active_person_id', name=op.f('uq_counselling_case_active_person_id'))
    )
    with op.batch_alter_table('counselling_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counselling_case_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_counselling_case_state_opened', ['state', 'opened_at'], unique=False)

    op.create_table('family_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("relation IN ('spouse','parent','child','sibling','other')", name=op.f('ck_family_contact_relation')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_family_contact_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_family_contact_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_contact'))
    )
    with op.batch_alter_table('family_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_contact_person_id'), ['person_id'], unique=False)

    op.create_table('counselling_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('what', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['counselling_case.id'], name=op.f('fk_counselling_access_log_case_id_counselling_case')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_counselling_access_log_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselling_access_log'))
    )
    with op.batch_alter_table('counselling_access_log', schema=None) as batch_op:
        batch_op.create_index('ix_counselling_access_log_case_at', ['case_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_counselling_access_log_user_id'), ['user_id'], unique=False)

    op.create_table('counselling_case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_counselling_case_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['counselling_case.id'], name=op.f('fk_counselling_case_event_case_id_counselling_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselling_case_event'))
    )
    with op.batch_alter_table('counselling_case_event', schema=None) as batch_op:
        batch_op.create_index('ix_counselling_case_event_case', ['case_id', 'id'], unique=False)

    op.create_table('counselling_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('counsellor_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('talk','family_visit','family_letter','family_meeting','study_class')", name=op.f('ck_counselling_session_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['counselling_case.id'], name=op.f('fk_counselling_session_case_id_counselling_case')),
    sa.ForeignKeyConstraint(['counsellor_id'], ['user_account.id'], name=op.f('fk_counselling_session_counsellor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselling_session'))
    )
    with op.batch_alter_table('counselling_session', schema=None) as batch_op:
        batch_op.create_index('ix_counselling_session_case_held', ['case_id', 'held_on'], unique=False)

    op.create_table('family_agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('family_contact_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('scan', sa.LargeBinary(), nullable=True),
    sa.Column('scan_thumbnail', sa.LargeBinary(), nullable=True),
    sa.Column('scan_width', sa.Integer(), nullable=True),
    sa.Column('scan_height', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['counselling_case.id'], name=op.f('fk_family_agreement_case_id_counselling_case')),
    sa.ForeignKeyConstraint(['family_contact_id'], ['family_contact.id'], name=op.f('fk_family_agreement_family_contact_id_family_contact')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_family_agreement_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_agreement')),
    sa.UniqueConstraint('case_id', name=op.f('uq_family_agreement_case_id'))
    )
    op.create_table('violation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('occurred_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('illegal_command','illegal_operation','labour_discipline')", name=op.f('ck_violation_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['counselling_case.id'], name=op.f('fk_violation_case_id_counselling_case')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazard.id'], name=op.f('fk_violation_hazard_id_hazard')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_violation_location_id_location')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_violation_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_violation_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violation'))
    )
    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violation_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_violation_occurred', ['occurred_at'], unique=False)
        batch_op.create_index('ix_violation_person_occurred', ['person_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_recorded_by_id'), ['recorded_by_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('violation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violation_recorded_by_id'))
        batch_op.drop_index('ix_violation_person_occurred')
        batch_op.drop_index('ix_violation_occurred')
        batch_op.drop_index(batch_op.f('ix_violation_case_id'))

    op.drop_table('violation')
    op.drop_table('family_agreement')
    with op.batch_alter_table('counselling_session', schema=None) as batch_op:
        batch_op.drop_index('ix_counselling_session_case_held')

    op.drop_table('counselling_session')
    with op.batch_alter_table('counselling_case_event', schema=None) as batch_op:
        batch_op.drop_index('ix_counselling_case_event_case')

    op.drop_table('counselling_case_event')
    with op.batch_alter_table('counselling_access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counselling_access_log_user_id'))
        batch_op.drop_index('ix_counselling_access_log_case_at')

    op.drop_table('counselling_access_log')
    with op.batch_alter_table('family_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_contact_person_id'))

    op.drop_table('family_contact')
    with op.batch_alter_table('counselling_case', schema=None) as batch_op:
        batch_op.drop_index('ix_counselling_case_state_opened')
        batch_op.drop_index(batch_op.f('ix_counselling_case_person_id'))

    op.drop_table('counselling_case')
