"""``flask resources import|export|reindex`` and ``flask demo-data``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from ..db import write_transaction
from ..introductions.demo import add_demo_peers
from . import interchange, search, services
from .demo import demo_rows
from .models import ResourceService

resources_cli = AppGroup("resources", help="Import, export and maintain the resource directory.")


@resources_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only show the preview.")
@click.option("--by", default="cli", show_default=True, help="Name for the audit trail.")
def import_command(file: Path, dry_run: bool, by: str) -> None:
    """Preview FILE (CSV template, HSDS JSON, or HSDS CSV zip), then apply it all or nothing."""
    country = current_app.config["KIOSK"].country
    try:
        preview = interchange.read_file(file.name, file.read_bytes(), country)
    except interchange.ImportFailed as exc:
        raise click.ClickException(f"cannot read {file.name}: {exc}") from exc
    click.echo(
        f"new: {preview.new}  changed: {preview.changed}  "
        f"unchanged: {preview.unchanged}  errors: {len(preview.errors)}"
    )
    # The messages are lazy translations; a request context gives them the default locale.
    with current_app.test_request_context():
        for error in preview.errors:
            message = services.ERROR_MESSAGES.get(error.code, error.code)
            click.echo(f"row {error.row}, field {error.field}: {message}", err=True)
    if preview.errors:
        raise click.ClickException("nothing imported")
    if dry_run:
        click.echo("dry run: nothing imported")
        return
    touched = interchange.apply_import(preview, by)
    click.echo(f"imported: {touched} services added or changed")


@resources_cli.command("export")
@click.option(
    "--format", "kind", type=click.Choice(interchange.FORMATS), default="csv", show_default=True
)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_command(kind: str, out: Path) -> None:
    """Write the whole directory to OUT."""
    out.write_bytes(interchange.export(kind))
    click.echo(f"wrote {out}")


@resources_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index (after restoring a database or a table-copying migration)."""
    with write_transaction() as session:
        for service in session.scalars(select(ResourceService)):
            service.search_text = services.build_search_text(service)
        search.rebuild_index()
    click.echo("search index rebuilt")


@click.command("demo-data")
@click.option("--history", is_flag=True, help="Also add a year of fictional anonymous activity.")
@with_appcontext
def demo_data_command(history: bool) -> None:
    """Fill a clearly fictional directory plus real national crisis lines (verify locally)."""
    country = current_app.config["KIOSK"].country
    rows = demo_rows(country)
    with write_transaction() as session:
        for row in rows:
            services.apply_input(session, row, "demo-data")
    click.echo(
        f"demo directory: {len(rows)} services (fictional; national lines marked verify locally)"
    )
    click.echo(add_demo_peers())
    if history:
        from ..reports.demo import AlreadyLoaded, load_history  # noqa: PLC0415  (optional part)

        try:
            made = load_history()
        except AlreadyLoaded:
            click.echo("demo history: already there, nothing added")
        else:
            click.echo("demo history: " + ", ".join(f"{n} {what}" for what, n in made.items()))


def init_cli(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(resources_cli)
    app.cli.add_command(demo_data_command)
