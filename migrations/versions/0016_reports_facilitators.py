"""Reports: facilitator accounts linked to sessions, and indexes for the grouped report queries

Revision ID: 0016_reports_facilitators
Revises: 0015_resources_spanish
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_reports_facilitators"
down_revision = "0015_resources_spanish"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "session_facilitators",
        sa.Column("session_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_session_facilitators_session_id_group_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_session_facilitators_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_session_facilitators")),
    )
    with op.batch_alter_table("session_facilitators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_facilitators_user_id"), ["user_id"], unique=False
        )
    # Until now a facilitator saw the sessions whose free-text list contained their username;
    # link those sessions to the account once so nobody loses the groups they saw. From here on
    # only the link counts (chosen by staff on the session form).
    op.execute(
        "INSERT INTO session_facilitators (session_id, user_id) "
        "SELECT g.id, u.id FROM group_sessions g JOIN users u ON u.role = 'facilitator' "
        "AND g.facilitators <> '' "
        "AND lower(g.facilitators) LIKE '%' || lower(u.username) || '%'"
    )

    # Attendance is grouped by session, visit and whether a code was given: one covering index
    # (it replaces the two-column one, its prefix).
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_ins_session_visit")
        batch_op.create_index(
            "ix_sign_ins_session_visit_code",
            ["session_id", "visit", "visitor_code_hash"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_ins_session_visit_code")
        batch_op.create_index("ix_sign_ins_session_visit", ["session_id", "visit"], unique=False)
    with op.batch_alter_table("session_facilitators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_facilitators_user_id"))
    op.drop_table("session_facilitators")
