"""Issue 12: measure answers are dated from 2000 on and scored below 100 (paired change's key)

Revision ID: 0023_measure_ranges
Revises: 0022_attendance_counts
Create Date: 2026-11-26

Paired change packs a day number counted from 2000-01-01 and a score in hundredths into one
sortable integer (kiosk/reports/figures.py); the database now refuses an answer that would
break that key. Every measure scores 0-35 and the kiosk dates answers today, so no stored row
is touched.
"""

from alembic import op

revision = "0023_measure_ranges"
down_revision = "0022_attendance_counts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("measure_answers", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "answered_from_epoch", "answered_on >= '2000-01-01'"
        )
        batch_op.create_check_constraint("score_in_range", "score >= 0 AND score < 100")


def downgrade():
    with op.batch_alter_table("measure_answers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_measure_answers_score_in_range"), type_="check")
        batch_op.drop_constraint(op.f("ck_measure_answers_answered_from_epoch"), type_="check")
