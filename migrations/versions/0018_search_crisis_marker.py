"""Issue 14: crisis services carry a marker word in their search text

Revision ID: 0018_search_crisis_marker
Revises: 0016_reports_facilitators
Create Date: 2026-11-26

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_search_crisis_marker"
down_revision = "0016_reports_facilitators"
branch_labels = None
depends_on = None

# "zzcrisiszz" is a frozen copy of kiosk.resources.search.CRISIS_MARKER (a migration never
# imports app code).


def upgrade():
    # The search asks the index for "matches AND the marker" to keep crisis lines first without
    # testing every match's flag. On SQLite the update trigger refreshes the FTS5 index; on
    # PostgreSQL the generated tsvector column follows search_text.
    op.execute(
        "UPDATE resource_services SET search_text = search_text || ' zzcrisiszz' "
        "WHERE crisis AND search_text NOT LIKE '%zzcrisiszz%'"
    )


def downgrade():
    op.execute(
        "UPDATE resource_services SET search_text = replace(search_text, ' zzcrisiszz', '') "
        "WHERE search_text LIKE '%zzcrisiszz%'"
    )
