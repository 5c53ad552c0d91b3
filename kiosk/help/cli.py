"""``flask --app kiosk help purge`` and ``flask --app kiosk help seed``."""

from __future__ import annotations

import click

from . import services
from .routes import bp


@bp.cli.command("purge")
def purge_command() -> None:
    """Delete quiet-word and professional-help requests older than the retention period."""
    removed = services.purge()
    click.echo(f"Purged {removed} help request(s).")


@bp.cli.command("seed")
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
