"""``flask --app kiosk purge``: apply every retention rule now (also meant for a daily timer).

One command for all areas, so a center schedules one job and nothing is forgotten.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from ..help import services as help_services
from ..introductions import services as introduction_services
from ..sessions import services as session_services
from ..signin import services as signin_services


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Blank old sign-in names, forget unused visitor codes, delete old help requests."""
    names = session_services.purge_names()
    codes = signin_services.purge_codes()
    requests = help_services.purge()
    # Introductions: deadlines first (they close rows and delete contacts), then old rows go.
    deadlines = introduction_services.apply_deadlines()
    introductions = introduction_services.purge()
    # Counts only: never which names, codes or requests.
    click.echo(
        f"Anonymized {names} sign-in name(s); forgot {codes} visitor code(s); "
        f"purged {requests} help request(s)."
    )
    click.echo(
        f"Introductions: {deadlines.lapsed} proposal(s) lapsed, {deadlines.expired} expired, "
        f"{deadlines.ended} ended; purged {introductions} old introduction(s) (counts kept)."
    )


def init_cli(app: Flask) -> None:
    """Register the purge command."""
    app.cli.add_command(purge_command)
