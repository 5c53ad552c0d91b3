"""Issue 12: covering indexes for a year's report (visitors by code, measures by day)

Revision ID: 0019_report_rollups
Revises: 0018_search_crisis_marker
Create Date: 2026-11-26

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_report_rollups"
down_revision = "0018_search_crisis_marker"
branch_labels = None
depends_on = None


def upgrade():
    # Sessions attended per visitor code, read in code order from the index alone (no sort of
    # a year's codes); measure answers grouped by day and measure from the index alone.
    op.create_index(
        "ix_sign_ins_code_session", "sign_ins", ["visitor_code_hash", "session_id"], unique=False
    )
    op.create_index(
        "ix_measure_answers_day",
        "measure_answers",
        ["answered_on", "measure", "score", "answers"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_measure_answers_day", table_name="measure_answers")
    op.drop_index("ix_sign_ins_code_session", table_name="sign_ins")
