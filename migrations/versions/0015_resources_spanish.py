"""Issue 13: Spanish name and description of a resource service

Revision ID: 0015_resources_spanish
Revises: 0014_help_spanish
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_resources_spanish"
down_revision = "0014_help_spanish"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not batch mode: on SQLite a batch copy of resource_services would drop
    # the search triggers (see 0007_constraints). Existing rows get "" (no Spanish text yet,
    # so the Spanish kiosk shows the English until staff fill it in).
    op.add_column(
        "resource_services",
        sa.Column("name_es", sa.String(length=200), nullable=False, server_default=""),
    )
    op.add_column(
        "resource_services",
        sa.Column("description_es", sa.Text(), nullable=False, server_default=""),
    )


def downgrade():
    # SQLite 3.35+ drops a column in place (the triggers only read search_text).
    op.drop_column("resource_services", "description_es")
    op.drop_column("resource_services", "name_es")
