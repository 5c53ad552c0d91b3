"""``flask --app kiosk help purge`` and ``flask --app kiosk help seed``.

Registered with ``init_cli(app)`` like every other area's commands (not through the blueprint),
so this module and ``help/routes.py`` do not import each other.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from . import services

help_cli = AppGroup("help", help="Help requests and crisis lines.")


@help_cli.command("purge")
def purge_command() -> None:
    """Delete quiet-word and professional-help requests older than the retention period."""
    removed = services.purge()
    click.echo(f"Purged {removed} help request(s).")


@help_cli.command("seed")
@click.option(
    "--country",
    type=click.Choice(sorted(services.COUNTRIES)),
    default=None,
    help="Default: the country chosen in the center settings.",
)
def seed_command(country: str | None) -> None:
    """Load the starter crisis lines for a country (once; each marked "verify locally")."""
    chosen = country or services.current_country()
    services.ensure_seeded(chosen)
    click.echo(f"Crisis lines for {chosen}: {len(services.lines_for(chosen))}.")


def init_cli(app: Flask) -> None:
    """Register ``flask help …``."""
    app.cli.add_command(help_cli)
