"""``flask --app kiosk purge``: apply every retention rule now (also meant for a daily timer).

One command for all areas, so a center schedules one job and nothing is forgotten.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from ..auth import services as auth_services
from ..db import purge_batch
from ..help import services as help_services
from ..introductions import services as introduction_services
from ..reports import services as report_services
from ..sessions import services as session_services
from ..signin import services as signin_services
from .jobs import JobFailed, run_by_hand


def purge_all() -> dict[str, int]:
    """Apply every retention rule now; returns counts only (the scheduler records them).

    Each rule deletes through ``kiosk.db.purge_transaction()`` (secure_delete on); the batch
    ends with one WAL checkpoint, so the purged bytes leave the database file and the WAL.
    """
    with purge_batch():
        return _every_rule()


def _every_rule() -> dict[str, int]:
    return {
        "names": session_services.purge_names(),
        "codes": signin_services.purge_codes(),
        "help_requests": help_services.purge(),
        "login_events": auth_services.purge_login_events(),
        # Introductions: deadlines first (they close rows and delete contacts), then old rows go.
        **_introduction_counts(),
        **_report_counts(),
    }


def _report_counts() -> dict[str, int]:
    unlinked, texts = report_services.purge()
    return {"measure_answers_unlinked": unlinked, "post_session_texts_deleted": texts}


def _introduction_counts() -> dict[str, int]:
    deadlines = introduction_services.apply_deadlines()
    return {
        "introductions_lapsed": deadlines.lapsed,
        "introductions_expired": deadlines.expired,
        "introductions_ended": deadlines.ended,
        "introductions_purged": introduction_services.purge(),
    }


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Blank old sign-in names, forget unused visitor codes, delete old help requests."""
    try:
        counts = run_by_hand("purge")
    except JobFailed as exc:
        raise click.ClickException(f"The purge failed: {exc}") from exc
    # Counts only: never which names, codes or requests.
    click.echo(
        f"Anonymized {counts['names']} sign-in name(s); forgot {counts['codes']} visitor code(s); "
        f"purged {counts['help_requests']} help request(s); "
        f"purged {counts['login_events']} staff log-in record(s)."
    )
    click.echo(
        f"Introductions: {counts['introductions_lapsed']} proposal(s) lapsed, "
        f"{counts['introductions_expired']} expired, {counts['introductions_ended']} ended; "
        f"purged {counts['introductions_purged']} old introduction(s) (counts kept)."
    )
    click.echo(
        f"Unlinked {counts['measure_answers_unlinked']} measure answer(s) from visitor codes; "
        f"deleted {counts['post_session_texts_deleted']} post-session text(s)."
    )


def init_cli(app: Flask) -> None:
    """Register the purge command."""
    app.cli.add_command(purge_command)
