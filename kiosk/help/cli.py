"""``flask --app kiosk help seed`` (old help requests are purged by ``flask purge``)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from . import services

help_cli = AppGroup("help", help="Crisis lines and help requests.")


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
    """Register the commands (like the other areas: no import from the views)."""
    app.cli.add_command(help_cli)
