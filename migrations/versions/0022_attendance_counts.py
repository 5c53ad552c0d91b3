"""Issue 12: attendance counts per session and visit, kept by the database from sign_ins

Revision ID: 0022_attendance_counts
Revises: 0019_report_rollups
Create Date: 2026-11-26

Reports read a year's attendance from these few rows per session rather than from every
sign-in. Triggers keep them in step in the same statement that writes a sign-in, whoever
writes it (kiosk, staff, paper, the CLI, another process) and however (a forgotten code's
ON DELETE SET NULL and a session's ON DELETE CASCADE fire them too, on both databases).

A later migration that rebuilds sign_ins with SQLite's batch mode ("move and copy") drops
these triggers with the old table: it must call ``create_triggers()`` again, as 0007 does for
the search triggers.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_attendance_counts"
down_revision = "0019_report_rollups"
branch_labels = None
depends_on = None

VISITS = ("first", "returning", "unknown")
NO_CODE = "CASE WHEN {row}.visitor_code_hash IS NULL THEN 1 ELSE 0 END"

SQLITE_TRIGGERS = (
    "CREATE TRIGGER attendance_counts_ai AFTER INSERT ON sign_ins BEGIN\n"
    "  INSERT INTO attendance_counts (session_id, visit, sign_ins, without_code)\n"
    f"  VALUES (new.session_id, new.visit, 1, {NO_CODE.format(row='new')})\n"
    "  ON CONFLICT (session_id, visit) DO UPDATE SET sign_ins = sign_ins + 1,\n"
    "    without_code = without_code + excluded.without_code;\n"
    "END",
    "CREATE TRIGGER attendance_counts_ad AFTER DELETE ON sign_ins BEGIN\n"
    "  UPDATE attendance_counts SET sign_ins = sign_ins - 1,\n"
    f"    without_code = without_code - {NO_CODE.format(row='old')}\n"
    "  WHERE session_id = old.session_id AND visit = old.visit;\n"
    "END",
    "CREATE TRIGGER attendance_counts_au\n"
    "AFTER UPDATE OF session_id, visit, visitor_code_hash ON sign_ins BEGIN\n"
    "  UPDATE attendance_counts SET sign_ins = sign_ins - 1,\n"
    f"    without_code = without_code - {NO_CODE.format(row='old')}\n"
    "  WHERE session_id = old.session_id AND visit = old.visit;\n"
    "  INSERT INTO attendance_counts (session_id, visit, sign_ins, without_code)\n"
    f"  VALUES (new.session_id, new.visit, 1, {NO_CODE.format(row='new')})\n"
    "  ON CONFLICT (session_id, visit) DO UPDATE SET sign_ins = sign_ins + 1,\n"
    "    without_code = without_code + excluded.without_code;\n"
    "END",
)

POSTGRES_FUNCTION = f"""
CREATE FUNCTION attendance_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE attendance_counts SET sign_ins = sign_ins - 1,
      without_code = without_code - {NO_CODE.format(row="OLD")}
    WHERE session_id = OLD.session_id AND visit = OLD.visit;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO attendance_counts AS c (session_id, visit, sign_ins, without_code)
    VALUES (NEW.session_id, NEW.visit, 1, {NO_CODE.format(row="NEW")})
    ON CONFLICT (session_id, visit) DO UPDATE SET sign_ins = c.sign_ins + 1,
      without_code = c.without_code + EXCLUDED.without_code;
  END IF;
  RETURN NULL;
END
$$
"""

POSTGRES_TRIGGER = (
    "CREATE TRIGGER attendance_counts_track\n"
    "AFTER INSERT OR DELETE OR UPDATE OF session_id, visit, visitor_code_hash ON sign_ins\n"
    "FOR EACH ROW EXECUTE FUNCTION attendance_counts_track()"
)


def create_triggers() -> None:
    """The triggers that keep attendance_counts in step with sign_ins (either database)."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)


def upgrade():
    visits = ", ".join(f"'{visit}'" for visit in VISITS)
    op.create_table(
        "attendance_counts",
        sa.Column("session_id", sa.String(length=24), nullable=False),
        sa.Column("visit", sa.String(length=12), nullable=False),
        sa.Column("sign_ins", sa.Integer(), nullable=False),
        sa.Column("without_code", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"visit IN ({visits})", name=op.f("ck_attendance_counts_visit_valid")),
        sa.CheckConstraint(
            "sign_ins >= 0", name=op.f("ck_attendance_counts_sign_ins_not_negative")
        ),
        sa.CheckConstraint(
            "without_code >= 0", name=op.f("ck_attendance_counts_without_code_not_negative")
        ),
        sa.CheckConstraint(
            "without_code <= sign_ins", name=op.f("ck_attendance_counts_without_code_within")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_attendance_counts_session_id_group_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "visit", name=op.f("pk_attendance_counts")),
    )
    # The sign-ins already there, counted once; from here on the triggers keep count.
    op.execute(
        "INSERT INTO attendance_counts (session_id, visit, sign_ins, without_code) "
        f"SELECT session_id, visit, COUNT(*), SUM({NO_CODE.format(row='sign_ins')}) "
        "FROM sign_ins GROUP BY session_id, visit"
    )
    create_triggers()
    # The covering index reports grouped a year's sign-ins with: the counts replace it (and a
    # sign-in now writes one index less, for the one tally row it updates).
    op.drop_index("ix_sign_ins_session_visit_code", table_name="sign_ins")


def downgrade():
    op.create_index(
        "ix_sign_ins_session_visit_code",
        "sign_ins",
        ["session_id", "visit", "visitor_code_hash"],
        unique=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        for name in ("attendance_counts_ai", "attendance_counts_ad", "attendance_counts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS attendance_counts_track ON sign_ins")
        op.execute("DROP FUNCTION IF EXISTS attendance_counts_track()")
    op.drop_table("attendance_counts")
