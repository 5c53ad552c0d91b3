"""CHECK constraints for every enum-like column and range (issue 10).

Revision ID: 0007_constraints
Revises: 0004_help
Create Date: 2026-11-26 01:40:00

The values are those of kiosk/checks.py when this migration was written (frozen here, as a
migration must be); tests/core/test_constraints.py checks the two still agree. On SQLite each
table is rebuilt in batch mode (migrations/env.py turns foreign keys off meanwhile, so the copy
cannot cascade-delete child rows); rebuilding resource_services drops the search triggers,
which are recreated below and the index rebuilt.
"""

from alembic import op

revision = "0007_constraints"
down_revision = "0005_trust"
branch_labels = None
depends_on = None

CHECKS = (
    ("users", "role_valid", "role IN ('admin', 'facilitator')"),
    ("group_sessions", "format_valid", "format IN ('in_person', 'online', 'hybrid')"),
    ("group_sessions", "ends_after_start", "ends_at > starts_at"),
    ("group_sessions", "opens_minutes_before_not_negative", "opens_minutes_before >= 0"),
    ("sign_ins", "visit_valid", "visit IN ('first', 'returning', 'unknown')"),
    ("sign_ins", "source_valid", "source IN ('kiosk', 'staff', 'paper')"),
    (
        "session_notes",
        "incident_outcome_valid",
        "incident_outcome IN ('none', 'resolved_in_group', 'referred', 'emergency')",
    ),
    ("session_notes", "follow_ups_not_negative", "follow_ups >= 0"),
    ("session_notes", "incidents_not_negative", "incidents >= 0"),
    ("crisis_lines", "how_valid", "how IN ('call', 'text', 'chat')"),
    ("quiet_word_requests", "timing_valid", "timing IN ('now', 'after')"),
    (
        "quiet_word_requests",
        "outcome_valid",
        "outcome IN ('spoke_privately', 'referred_clinician', 'called_crisis_line', "
        "'called_emergency', 'not_found', 'other')",
    ),
    (
        "professional_help_requests",
        "help_type_valid",
        "help_type IN ('clinician', 'crisis_team', 'emergency', 'other')",
    ),
    (
        "professional_help_requests",
        "outcome_valid",
        "outcome IN ('spoke_privately', 'referred_clinician', 'called_crisis_line', "
        "'called_emergency', 'not_found', 'other')",
    ),
    ("help_daily_counts", "kind_valid", "kind IN ('help_now', 'quiet_word', 'professional_help')"),
    ("help_daily_counts", "requests_not_negative", "requests >= 0"),
    ("help_daily_counts", "acknowledged_not_negative", "acknowledged >= 0"),
    ("help_daily_counts", "response_seconds_total_not_negative", "response_seconds_total >= 0"),
    ("resource_services", "cost_valid", "cost IN ('', 'free', 'sliding', 'fee')"),
    ("resource_services", "status_valid", "status IN ('active', 'inactive')"),
    ("resource_hours", "weekday_valid", "weekday BETWEEN 0 AND 6"),
    ("resource_view_counts", "views_not_negative", "views >= 0"),
)

# As in 0003_resources (kiosk/resources/search.py SQLITE_DDL): the triggers keeping the FTS5
# index in step with resource_services.
SEARCH_TRIGGERS = (
    "CREATE TRIGGER resource_search_ai AFTER INSERT ON resource_services BEGIN\n"
    "  INSERT INTO resource_search(rowid, search_text) VALUES (new.id, new.search_text);\n"
    "END",
    "CREATE TRIGGER resource_search_ad AFTER DELETE ON resource_services BEGIN\n"
    "  INSERT INTO resource_search(resource_search, rowid, search_text)\n"
    "  VALUES ('delete', old.id, old.search_text);\n"
    "END",
    "CREATE TRIGGER resource_search_au AFTER UPDATE OF search_text ON resource_services BEGIN\n"
    "  INSERT INTO resource_search(resource_search, rowid, search_text)\n"
    "  VALUES ('delete', old.id, old.search_text);\n"
    "  INSERT INTO resource_search(rowid, search_text) VALUES (new.id, new.search_text);\n"
    "END",
)


def _tables():
    tables = []
    for table, _name, _condition in CHECKS:
        if table not in tables:
            tables.append(table)
    return tables


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    for table in _tables():
        with op.batch_alter_table(table) as batch_op:
            for _table, name, condition in (c for c in CHECKS if c[0] == table):
                batch_op.create_check_constraint(name, condition)
    if _sqlite():
        _restore_search()


def downgrade():
    for table in _tables():
        with op.batch_alter_table(table) as batch_op:
            for _table, name, _condition in (c for c in CHECKS if c[0] == table):
                batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
    if _sqlite():
        _restore_search()


def _restore_search():
    for name in ("resource_search_ai", "resource_search_ad", "resource_search_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in SEARCH_TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO resource_search(resource_search) VALUES ('rebuild')")
