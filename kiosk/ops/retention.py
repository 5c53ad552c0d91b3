"""``flask --app kiosk purge``: apply every retention rule now (also meant for a daily timer).

One command for all areas, so a center schedules one job and nothing is forgotten.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from ..auth import services as auth_services
from ..help import services as help_services
from ..sessions import services as session_services
from ..signin import services as signin_services


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Blank old sign-in names, forget unused visitor codes, delete old help requests."""
    names = session_services.purge_names()
    codes = signin_services.purge_codes()
    requests = help_services.purge()
    logins = auth_services.purge_login_events()
    # Counts only: never which names, codes or requests.
    click.echo(
        f"Anonymized {names} sign-in name(s); forgot {codes} visitor code(s); "
        f"purged {requests} help request(s); purged {logins} staff log-in record(s)."
    )


def init_cli(app: Flask) -> None:
    """Register the purge command."""
    app.cli.add_command(purge_command)
