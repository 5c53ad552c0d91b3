"""``flask reports export``: the report's suppressed figures as CSV, from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import export, figures, services


@click.group("reports")
def reports_cli() -> None:
    """Impact reports."""


@reports_cli.command("export")
@click.option("--from", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--funder", is_flag=True, help="Use the funder threshold (hide 1-10).")
@click.option("--group", default="", help="Only this weekly series or session id.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(start: str, end: str, funder: bool, group: str, out: Path) -> None:
    """Write the same suppressed figures as the report page to OUT (CSV)."""
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError as exc:
        raise click.BadParameter("dates are YYYY-MM-DD") from exc
    if last < first:
        raise click.BadParameter("--to is before --from")
    key = services.FUNDER_THRESHOLD.key if funder else services.SCREEN_THRESHOLD.key
    tz = str(current_app.config["KIOSK"].timezone)
    report = figures.build(figures.Filters(first, last, group, None, tz), int(services.get(key)))
    out.write_text(export.to_csv(report), encoding="utf-8", newline="")
    click.echo(f"wrote {out} (counts below {report.threshold} hidden)")


def init_cli(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(reports_cli)
