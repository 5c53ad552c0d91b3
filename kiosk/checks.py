"""CHECK constraints: the database refuses what the code would never write.

Every enum-like column and every range the code relies on, generated from the same Python
enums and tuples the forms and services use, so a new value is added in one place. Migration
``0007_constraints`` created them from this list; a later change to an enum here needs a
migration that replaces the constraint (``tests/core/test_constraints.py`` notices).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import CheckConstraint, MetaData

from .auth.models import Role
from .help import services as help_services
from .reports.measures import MEASURES
from .reports.models import ANSWER_EPOCH, SCORE_LIMIT, Feeling, Review
from .resources import services as resource_services
from .sessions.models import Format, IncidentOutcome, Source, Visit


@dataclass(frozen=True)
class Check:
    """One CHECK constraint: its table, short name and SQL condition."""

    table: str
    name: str
    condition: str
    values: tuple[str, ...] = ()  # for one_of: the values allowed


def one_of(table: str, column: str, values: Iterable[str], name: str = "") -> Check:
    """``column`` holds one of ``values`` (NULL passes, as for any CHECK: NOT NULL is separate).

    ``name`` defaults to ``<column>_valid``; the reports' constraints keep the names their
    migration (``0009_impact``) gave them.
    """
    allowed = tuple(str(value) for value in values)
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in allowed)
    return Check(table, name or f"{column}_valid", f"{column} IN ({quoted})", allowed)


def at_least_zero(table: str, *columns: str) -> list[Check]:
    """Counts and totals are never negative."""
    return [Check(table, f"{column}_not_negative", f"{column} >= 0") for column in columns]


def rules() -> list[Check]:
    """Every CHECK constraint of the schema, from the code's own enums."""
    daily_kinds = ("help_now", *help_services.DAILY_KIND.values())
    return [
        one_of("users", "role", Role),
        one_of("group_sessions", "format", Format),
        Check("group_sessions", "ends_after_start", "ends_at > starts_at"),
        *at_least_zero("group_sessions", "opens_minutes_before"),
        one_of("sign_ins", "visit", Visit),
        one_of("sign_ins", "source", Source),
        one_of("attendance_counts", "visit", Visit),
        *at_least_zero("attendance_counts", "sign_ins", "without_code"),
        Check("attendance_counts", "without_code_within", "without_code <= sign_ins"),
        one_of("session_notes", "incident_outcome", IncidentOutcome),
        *at_least_zero("session_notes", "follow_ups", "incidents"),
        one_of("crisis_lines", "how", help_services.HOW_CHOICES),
        one_of("quiet_word_requests", "timing", help_services.WHEN_CHOICES),
        one_of("quiet_word_requests", "outcome", help_services.OUTCOMES),
        one_of("professional_help_requests", "help_type", help_services.HELP_TYPES),
        one_of("professional_help_requests", "outcome", help_services.OUTCOMES),
        one_of("help_daily_counts", "kind", daily_kinds),
        *at_least_zero("help_daily_counts", "requests", "acknowledged", "response_seconds_total"),
        # "" is "cost not known".
        one_of("resource_services", "cost", ("", *resource_services.COSTS)),
        one_of("resource_services", "status", resource_services.STATUSES),
        Check("resource_hours", "weekday_valid", "weekday BETWEEN 0 AND 6"),
        *at_least_zero("resource_view_counts", "views"),
        one_of("measure_answers", "measure", MEASURES, name="measure_known"),
        # Paired change packs the day and the score into one key (reports/models.py).
        Check("measure_answers", "answered_from_epoch", f"answered_on >= '{ANSWER_EPOCH}'"),
        Check("measure_answers", "score_in_range", f"score >= 0 AND score < {SCORE_LIMIT}"),
        one_of("post_session_answers", "feeling", Feeling, name="feeling_known"),
        one_of("post_session_answers", "review", Review, name="review_known"),
        # Nothing without the person's consent can be approved for quoting.
        Check("post_session_answers", "approved_needs_consent", "review <> 'approved' OR consent"),
    ]


def attach(metadata: MetaData) -> None:
    """Put the constraints on the model tables (so models and migrations describe the same)."""
    for check in rules():
        table = metadata.tables[check.table]
        if not any(
            isinstance(c, CheckConstraint) and c.name == check.name for c in table.constraints
        ):
            table.append_constraint(CheckConstraint(check.condition, name=check.name))
