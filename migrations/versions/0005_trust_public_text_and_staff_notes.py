"""Public text and staff notes: crisis lines and resources keep staff-only words apart.

Revision ID: 0005_trust
Revises: 0004_help
Create Date: 2026-11-26 01:34:05

A crisis line's single ``notes`` becomes ``public_note`` (shown on Get help now) and
``staff_notes`` (staff pages only); resources get ``staff_notes`` (their description is the
public text). Works on SQLite (batch mode) and PostgreSQL.

Existing notes: the starter lines' notes are split as the seeds now split them. Any other note
was written by staff for a screen attendees saw, but may hold staff-only words, so it moves to
``staff_notes``: nothing staff-only reaches an attendee, and staff can copy what is meant for
attendees into the public text.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_trust"
down_revision = "0004_help"
branch_labels = None
depends_on = None

# The starter lines' notes before this revision -> (public text, staff notes).
SEED_SPLIT = {
    "For immediate danger.": ("For immediate danger.", ""),
    "TTY or relay users can dial 711 then 988. Veterans press 1.": (
        "TTY or relay users can dial 711 then 988. Veterans press 1.",
        "",
    ),
    "The keyword varies by campaign; check it.": (
        "",
        "The keyword varies by campaign; check it.",
    ),
    "Or go to A&E if a life is at risk.": ("Or go to A&E if a life is at risk.", ""),
    "Free from landlines and mobiles; does not show on phone bills. "
    "Samaritans has no text line.": (
        "Free from landlines and mobiles; does not show on phone bills.",
        "Samaritans has no text line.",
    ),
    "England. The menu option number has changed before; check it.": (
        "England.",
        "The menu option number has changed before; check it.",
    ),
    "999 also works.": ("999 also works.", ""),
    "Free to call.": ("Free to call.", ""),
    "Free to text.": ("Free to text.", ""),
}

lines = sa.table(
    "crisis_lines",
    sa.column("id", sa.Integer),
    sa.column("notes", sa.Text),
    sa.column("public_note", sa.Text),
    sa.column("staff_notes", sa.Text),
)


def upgrade():
    with op.batch_alter_table("crisis_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("staff_notes", sa.Text(), nullable=False, server_default=""))

    connection = op.get_bind()
    for row_id, notes in connection.execute(sa.select(lines.c.id, lines.c.notes)).all():
        public, staff = SEED_SPLIT.get(notes or "", ("", notes or ""))
        connection.execute(
            lines.update()
            .where(lines.c.id == row_id)
            .values(public_note=public, staff_notes=staff)
        )

    with op.batch_alter_table("crisis_lines", schema=None) as batch_op:
        batch_op.alter_column("public_note", server_default=None)
        batch_op.alter_column("staff_notes", server_default=None)
        batch_op.drop_column("notes")

    with op.batch_alter_table("resource_services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_notes", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("resource_services", schema=None) as batch_op:
        batch_op.alter_column("staff_notes", server_default=None)


def downgrade():
    with op.batch_alter_table("resource_services", schema=None) as batch_op:
        batch_op.drop_column("staff_notes")

    with op.batch_alter_table("crisis_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    for row_id, public, staff in connection.execute(
        sa.select(lines.c.id, lines.c.public_note, lines.c.staff_notes)
    ).all():
        joined = " ".join(part for part in (public, staff) if part)
        connection.execute(lines.update().where(lines.c.id == row_id).values(notes=joined))
    with op.batch_alter_table("crisis_lines", schema=None) as batch_op:
        batch_op.alter_column("notes", server_default=None)
        batch_op.drop_column("staff_notes")
        batch_op.drop_column("public_note")
