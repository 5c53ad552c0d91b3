"""``flask --app kiosk introductions deadlines`` (the purge runs it too)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from . import services

introductions_cli = AppGroup("introductions", help="Peer introductions.")


@introductions_cli.command("deadlines")
def deadlines_command() -> None:
    """Lapse unanswered proposals, expire unmatched requests, end introductions not renewed."""
    result = services.apply_deadlines()
    # Counts only: never which requests or peers.
    click.echo(
        f"{result.lapsed} proposal(s) lapsed back to the queue; {result.expired} request(s) "
        f"expired; {result.ended} introduction(s) ended."
    )


def init_cli(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(introductions_cli)
