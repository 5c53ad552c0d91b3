"""Performance: data versions (one write counter per tracked table, for caches).

Revision ID: 0011_performance
Revises: 0004_help
Create Date: 2026-11-26 01:08:09.812167

"""

import sqlalchemy as sa
from alembic import op

revision = "0011_performance"
down_revision = "0009_impact"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )


def downgrade() -> None:
    op.drop_table("data_versions")
