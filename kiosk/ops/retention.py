"""``flask --app kiosk purge``: apply every retention rule now (also meant for a daily timer).

One command for all areas, so a center schedules one job and nothing is forgotten.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from ..help import services as help_services
from ..sessions import services as session_services
from ..signin import services as signin_services
from .jobs import JobFailed, run_by_hand


def purge_all() -> dict[str, int]:
    """Apply every retention rule now; returns counts only (the scheduler records them)."""
    return {
        "names": session_services.purge_names(),
        "codes": signin_services.purge_codes(),
        "help_requests": help_services.purge(),
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
        f"purged {counts['help_requests']} help request(s)."
    )


def init_cli(app: Flask) -> None:
    """Register the purge command."""
    app.cli.add_command(purge_command)
