"""Dual prevention (双重预防): risk points, risks, controls, reviews; inspection plans and rounds;
a hazard names its risk point and failed control.

Revision ID: 0019r
Revises: c0a1
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import safety_service.database

revision: str = '0019r'
down_revision: str | None = 'c0a1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_HAZARD_LINKS = {
    'risk_point_id': ('fk_hazard_risk_point_id_risk_point', 'risk_point'),
    'failed_control_id': ('fk_hazard_failed_control_id_risk_control', 'risk_control'),
}


def _link_hazards() -> None:
    """A hazard names its risk point and failed control: plain ADD COLUMNs (batch mode would
    recreate the hazard table and lose its triggers); SQLite takes the reference inline."""
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for column, (name, table) in _HAZARD_LINKS.items():
        if postgresql:
            op.add_column('hazard', sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(name, 'hazard', table, [column], ['id'])
        else:
            op.execute(f'ALTER TABLE hazard ADD COLUMN {column} INTEGER REFERENCES {table} (id)')
        op.create_index(f'ix_hazard_{column}', 'hazard', [column], unique=False)


def upgrade() -> None:
    op.create_table('risk_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('map_x', sa.Integer(), nullable=True),
    sa.Column('map_y', sa.Integer(), nullable=True),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_risk_point_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_point'))
    )
    with op.batch_alter_table('risk_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_point_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_point_code'), ['code'], unique=True)

    op.create_table('risk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_point_id', sa.Integer(), nullable=False),
    sa.Column('hazard_source', sa.Text(), nullable=False),
    sa.Column('accident_type', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('consequence', sa.Text(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('likelihood', sa.Integer(), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('rated_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("level IN ('major','significant','general','low')", name=op.f('ck_risk_level')),
    sa.CheckConstraint('likelihood BETWEEN 1 AND 5 AND severity BETWEEN 1 AND 5', name=op.f('ck_risk_matrix')),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_point.id'], name=op.f('fk_risk_risk_point_id_risk_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk'))
    )
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_risk_point_id'), ['risk_point_id'], unique=False)

    op.create_table('risk_point_location',
    sa.Column('risk_point_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_risk_point_location_location_id_location')),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_point.id'], name=op.f('fk_risk_point_location_risk_point_id_risk_point')),
    sa.PrimaryKeyConstraint('risk_point_id', 'location_id', name=op.f('pk_risk_point_location'))
    )
    with op.batch_alter_table('risk_point_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_point_location_location_id'), ['location_id'], unique=False)

    op.create_table('inspection_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('post', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('leader_round', sa.Boolean(), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("frequency IN ('monthly','dekad','weekly','shift')", name=op.f('ck_inspection_plan_frequency')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_inspection_plan_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['inspector_id'], ['user_account.id'], name=op.f('fk_inspection_plan_inspector_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_plan'))
    )
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_plan_inspector_id'), ['inspector_id'], unique=False)

    op.create_table('risk_control',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('person', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('engineering','management','training','protection','emergency')", name=op.f('ck_risk_control_kind')),
    sa.ForeignKeyConstraint(['risk_id'], ['risk.id'], name=op.f('fk_risk_control_risk_id_risk')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_control'))
    )
    with op.batch_alter_table('risk_control', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_control_risk_id'), ['risk_id'], unique=False)

    op.create_table('risk_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_point_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('participants', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('annual','special')", name=op.f('ck_risk_review_kind')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_risk_review_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_point.id'], name=op.f('fk_risk_review_risk_point_id_risk_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_review')),
    sa.UniqueConstraint('risk_point_id', 'kind', 'reviewed_on', name=op.f('uq_risk_review_risk_point_id_kind_reviewed_on'))
    )
    with op.batch_alter_table('risk_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_review_risk_point_id'), ['risk_point_id'], unique=False)

    op.create_table('inspection_plan_point',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('risk_point_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plan.id'], name=op.f('fk_inspection_plan_point_plan_id_inspection_plan')),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_point.id'], name=op.f('fk_inspection_plan_point_risk_point_id_risk_point')),
    sa.PrimaryKeyConstraint('plan_id', 'risk_point_id', name=op.f('pk_inspection_plan_point'))
    )
    with op.batch_alter_table('inspection_plan_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_plan_point_risk_point_id'), ['risk_point_id'], unique=False)

    op.create_table('inspection_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('risk_point_id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('window_start', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('window_end', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('client_round_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('checked_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('missed_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('due','done','missed')", name=op.f('ck_inspection_round_state')),
    sa.ForeignKeyConstraint(['done_by_id'], ['user_account.id'], name=op.f('fk_inspection_round_done_by_id_user_account')),
    sa.ForeignKeyConstraint(['inspector_id'], ['user_account.id'], name=op.f('fk_inspection_round_inspector_id_user_account')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_inspection_round_location_id_location')),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plan.id'], name=op.f('fk_inspection_round_plan_id_inspection_plan')),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_point.id'], name=op.f('fk_inspection_round_risk_point_id_risk_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_round')),
    sa.UniqueConstraint('client_round_id', name=op.f('uq_inspection_round_client_round_id')),
    sa.UniqueConstraint('plan_id', 'risk_point_id', 'window_start', name=op.f('uq_inspection_round_plan_id_risk_point_id_window_start'))
    )
    with op.batch_alter_table('inspection_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_round_inspector_id'), ['inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_round_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_round_risk_point_id'), ['risk_point_id'], unique=False)
        batch_op.create_index('ix_inspection_round_window', ['window_start', 'window_end'], unique=False)

    op.create_table('inspection_round_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('control_id', sa.Integer(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['control_id'], ['risk_control.id'], name=op.f('fk_inspection_round_item_control_id_risk_control')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazard.id'], name=op.f('fk_inspection_round_item_hazard_id_hazard')),
    sa.ForeignKeyConstraint(['round_id'], ['inspection_round.id'], name=op.f('fk_inspection_round_item_round_id_inspection_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_round_item')),
    sa.UniqueConstraint('round_id', 'control_id', name=op.f('uq_inspection_round_item_round_id_control_id'))
    )
    with op.batch_alter_table('inspection_round_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_round_item_control_id'), ['control_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_round_item_round_id'), ['round_id'], unique=False)

    _link_hazards()



def downgrade() -> None:
    for column in ('failed_control_id', 'risk_point_id'):
        op.drop_index(f'ix_hazard_{column}', table_name='hazard')
        if op.get_bind().dialect.name == 'postgresql':
            op.drop_constraint(_HAZARD_LINKS[column][0], 'hazard', type_='foreignkey')
        op.drop_column('hazard', column)

    with op.batch_alter_table('inspection_round_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_round_item_round_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_round_item_control_id'))

    op.drop_table('inspection_round_item')
    with op.batch_alter_table('inspection_round', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_round_window')
        batch_op.drop_index(batch_op.f('ix_inspection_round_risk_point_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_round_plan_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_round_inspector_id'))

    op.drop_table('inspection_round')
    with op.batch_alter_table('inspection_plan_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_plan_point_risk_point_id'))

    op.drop_table('inspection_plan_point')
    with op.batch_alter_table('risk_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_review_risk_point_id'))

    op.drop_table('risk_review')
    with op.batch_alter_table('risk_control', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_control_risk_id'))

    op.drop_table('risk_control')
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_plan_inspector_id'))

    op.drop_table('inspection_plan')
    with op.batch_alter_table('risk_point_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_point_location_location_id'))

    op.drop_table('risk_point_location')
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_risk_point_id'))

    op.drop_table('risk')
    with op.batch_alter_table('risk_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_point_code'))
        batch_op.drop_index(batch_op.f('ix_risk_point_area_id'))

    op.drop_table('risk_point')
