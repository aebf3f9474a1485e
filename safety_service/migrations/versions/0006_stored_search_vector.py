"""PostgreSQL search reads a stored tsvector column instead of computing one per row; joins the two heads.

The GIN index on the expression ``to_tsvector('simple', search_text)`` answered which rows match,
but every row PostgreSQL then looked at (a page walked newest first, a recheck) computed the
vector again. A stored generated column keeps it beside the row. Adding it rewrites the hazard
table once (an exclusive lock for the duration). SQLite's FTS5 index is unchanged.

Revision ID: 0006
Revises: 0004, 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | tuple[str, ...] | None = ("0004", "0005")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_hazard_search_tsv")
    op.execute(
        "ALTER TABLE hazard ADD COLUMN search_tsv tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
    )
    op.execute("CREATE INDEX ix_hazard_search_tsv ON hazard USING gin (search_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_hazard_search_tsv")
    op.execute("ALTER TABLE hazard DROP COLUMN search_tsv")
    op.execute(
        "CREATE INDEX ix_hazard_search_tsv ON hazard USING gin (to_tsvector('simple'::regconfig, search_text))"
    )
