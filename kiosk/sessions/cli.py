"""``flask --app kiosk purge``: apply the retention rules now (also meant for a daily timer)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from ..signin import services as signin_services
from . import services


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Blank sign-in names older than 30 days and forget visitor codes unused for 12 months."""
    names = services.purge_names()
    codes = signin_services.purge_codes()
    # Counts only: never which names or codes.
    click.echo(f"Anonymized {names} sign-in name(s); forgot {codes} visitor code(s).")


def init_cli(app: Flask) -> None:
    """Register the purge command."""
    app.cli.add_command(purge_command)
