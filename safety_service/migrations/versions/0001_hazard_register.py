"""The hazard register: people, locations, categories, hazards and their history.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import safety_service.database
from safety_service.locations.service import CATEGORIES

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('category',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category'))
    )
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_code'), ['code'], unique=True)

    op.create_table('ref_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_ref_counter'))
    )
    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site')),
    sa.UniqueConstraint('code', name=op.f('uq_site_code'))
    )
    op.create_table('area',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_area_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
    sa.UniqueConstraint('site_id', 'code', name=op.f('uq_area_site_id_code'))
    )
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_site_id'), ['site_id'], unique=False)

    op.create_table('location',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_location_area_id_area')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_location_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location'))
    )
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_location_site_id'), ['site_id'], unique=False)

    op.create_table('person',
    sa.Column('employee_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_person_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_employee_no'), ['employee_no'], unique=True)

    op.create_table('user_account',
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hashed_password', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('miner','supervisor','officer','owner','chief','counsellor','admin')", name=op.f('ck_user_account_role')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_user_account_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_account_username'), ['username'], unique=True)

    op.create_table('hazard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('tracking_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('client_report_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('reporter_person_id', sa.Integer(), nullable=True),
    sa.Column('reporter_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('reporter_employee_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=True),
    sa.Column('reported_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('measures', sa.Text(), nullable=True),
    sa.Column('funds', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('deadline', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('contingency_plan', sa.Text(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('rectification_note', sa.Text(), nullable=True),
    sa.Column('rectified_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verification_note', sa.Text(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('overdue_since', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('search_text', sa.Text(), server_default='', nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("grade IS NULL OR grade IN ('general','major')", name=op.f('ck_hazard_grade')),
    sa.CheckConstraint("source IN ('qr','kiosk','console','inspection')", name=op.f('ck_hazard_source')),
    sa.CheckConstraint("state IN ('reported','confirmed','rectifying','awaiting_verification','closed','rejected')", name=op.f('ck_hazard_state')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['user_account.id'], name=op.f('fk_hazard_assigned_by_id_user_account')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_hazard_category_id_category')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['hazard.id'], name=op.f('fk_hazard_duplicate_of_id_hazard')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_hazard_location_id_location')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_hazard_owner_id_user_account')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_hazard_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['reporter_person_id'], ['person.id'], name=op.f('fk_hazard_reporter_person_id_person')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_hazard_site_id_site')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user_account.id'], name=op.f('fk_hazard_verified_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard')),
    sa.UniqueConstraint('client_report_id', name=op.f('uq_hazard_client_report_id')),
    sa.UniqueConstraint('ref', name=op.f('uq_hazard_ref')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_hazard_tracking_code'))
    )
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.create_index('ix_hazard_category_reported', ['category_id', 'reported_at'], unique=False)
        batch_op.create_index('ix_hazard_grade_open_reported', ['grade', 'is_open', 'reported_at'], unique=False)
        batch_op.create_index('ix_hazard_open_reported', ['is_open', 'reported_at'], unique=False)
        batch_op.create_index('ix_hazard_source_reported', ['source', 'reported_at'], unique=False)
        batch_op.create_index('ix_hazard_location_open_reported', ['location_id', 'is_open', 'reported_at'], unique=False)
        batch_op.create_index('ix_hazard_open_deadline', ['is_open', 'deadline'], unique=False)
        batch_op.create_index('ix_hazard_owner_open_deadline', ['owner_id', 'is_open', 'deadline'], unique=False)
        batch_op.create_index('ix_hazard_reported_at', ['reported_at'], unique=False)
        batch_op.create_index('ix_hazard_reporter_reported', ['reporter_employee_no', 'reported_at'], unique=False)
        batch_op.create_index('ix_hazard_state_reported', ['state', 'reported_at'], unique=False)

    op.create_table('hazard_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_hazard_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazard.id'], name=op.f('fk_hazard_event_hazard_id_hazard')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_event'))
    )
    with op.batch_alter_table('hazard_event', schema=None) as batch_op:
        batch_op.create_index('ix_hazard_event_hazard_at', ['hazard_id', 'id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('created_at', safety_service.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', safety_service.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazard.id'], name=op.f('fk_notification_hazard_id_hazard')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_hazard_id'), ['hazard_id'], unique=False)
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at', 'id'], unique=False)

    category = sa.table(
        "category",
        sa.column("code", sa.String), sa.column("name_zh", sa.String), sa.column("name_en", sa.String),
        sa.column("sort_order", sa.Integer), sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        category,
        [
            {"code": code, "name_zh": zh, "name_en": en, "sort_order": (i + 1) * 10, "active": True}
            for i, (code, zh, en) in enumerate(CATEGORIES)
        ],
    )
    _create_search_index()


def _create_search_index() -> None:
    """Full-text search over hazard.search_text: FTS5 on SQLite, a GIN tsvector index on PostgreSQL."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_hazard_search_tsv ON hazard "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE hazard_fts USING fts5("
        "search_text, content='hazard', content_rowid='id', tokenize='unicode61')"
    )
    op.execute(
        "CREATE TRIGGER hazard_fts_ai AFTER INSERT ON hazard BEGIN "
        "INSERT INTO hazard_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
    )
    op.execute(
        "CREATE TRIGGER hazard_fts_ad AFTER DELETE ON hazard BEGIN "
        "INSERT INTO hazard_fts(hazard_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END"
    )
    op.execute(
        "CREATE TRIGGER hazard_fts_au AFTER UPDATE OF search_text ON hazard BEGIN "
        "INSERT INTO hazard_fts(hazard_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO hazard_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
    )


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_hazard_search_tsv")
        return
    for trigger in ("hazard_fts_ai", "hazard_fts_ad", "hazard_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS hazard_fts")



def downgrade() -> None:
    _drop_search_index()
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')
        batch_op.drop_index(batch_op.f('ix_notification_hazard_id'))

    op.drop_table('notification')
    with op.batch_alter_table('hazard_event', schema=None) as batch_op:
        batch_op.drop_index('ix_hazard_event_hazard_at')

    op.drop_table('hazard_event')
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.drop_index('ix_hazard_state_reported')
        batch_op.drop_index('ix_hazard_reporter_reported')
        batch_op.drop_index('ix_hazard_reported_at')
        batch_op.drop_index('ix_hazard_owner_open_deadline')
        batch_op.drop_index('ix_hazard_open_deadline')
        batch_op.drop_index('ix_hazard_location_open_reported')
        batch_op.drop_index('ix_hazard_source_reported')
        batch_op.drop_index('ix_hazard_open_reported')
        batch_op.drop_index('ix_hazard_grade_open_reported')
        batch_op.drop_index('ix_hazard_category_reported')

    op.drop_table('hazard')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_username'))
        batch_op.drop_index(batch_op.f('ix_user_account_person_id'))

    op.drop_table('user_account')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_employee_no'))
        batch_op.drop_index(batch_op.f('ix_person_area_id'))

    op.drop_table('person')
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_site_id'))
        batch_op.drop_index(batch_op.f('ix_location_code'))
        batch_op.drop_index(batch_op.f('ix_location_area_id'))

    op.drop_table('location')
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_site_id'))

    op.drop_table('area')
    op.drop_table('site')
    op.drop_table('ref_counter')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_code'))

    op.drop_table('category')
