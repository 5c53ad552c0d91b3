"""Issue 14: search indexes: crisis services' text (PostgreSQL), result-list order (both)

Revision ID: 0024_search_marker
Revises: 0023_measure_ranges
Create Date: 2026-11-26

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_search_marker"
down_revision = "0023_measure_ranges"
branch_labels = None
depends_on = None

# A frozen copy of the statement in kiosk.resources.search.POSTGRES_DDL (a migration never
# imports app code). The name starts with the search index's, so include_object keeps
# autogenerate from offering to drop it.
CREATE = (
    "CREATE INDEX IF NOT EXISTS ix_resource_services_search_tsv_crisis ON resource_services "
    "USING gin (search_tsv) WHERE crisis"
)
# kiosk.resources.search.BROWSE_INDEX, made by hand for its DESC column (include_object hides it).
CREATE_BROWSE = (
    "CREATE INDEX IF NOT EXISTS ix_resource_services_browse "
    "ON resource_services (status, crisis DESC, name)"
)


def upgrade():
    # PostgreSQL only: search asks for crisis matches with "tsvector @@ query AND crisis", and
    # this index holds only crisis services, so that intersection no longer reads the whole
    # index's posting lists. SQLite's FTS5 finds crisis matches through the marker word that
    # 0018_search_crisis_marker added (the search text is unchanged here).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CREATE)
    # Both databases: a topic tile or a filter with no typed word (and open-now, which reads
    # ten pages) takes its first rows in result-list order from here, crisis first, instead of
    # sorting every active service (at 100,000 services: "open now" alone 90-125 ms on
    # PostgreSQL, 6-11 ms with it).
    op.execute(CREATE_BROWSE)


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_resource_services_browse")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_resource_services_search_tsv_crisis")
