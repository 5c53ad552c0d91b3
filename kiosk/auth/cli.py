"""``flask --app kiosk create-user``."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from . import services
from .models import Role


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(username: str, role: str, password_stdin: bool) -> None:
    """Create a staff account (the password is prompted for, never an argument)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(username, role, password)
    except services.PasswordRejected as exc:
        reasons = {
            "short": "use at least 12 characters",
            "long": "use at most 1024 characters",
            "common": "that password is too common",
            "username": "the password must not contain the username",
        }
        raise click.ClickException(f"Password refused: {reasons[str(exc)]}.") from exc
    except services.InvalidUsername as exc:
        raise click.ClickException(
            "Username: use 2 to 64 letters, digits, dots, dashes or underscores."
        ) from exc
    except services.UserExists as exc:
        raise click.ClickException(f"An account named {exc} exists already.") from exc
    click.echo(f"Created {user.role} account {user.username}.")


def init_cli(app: Flask) -> None:
    """Register the account commands."""
    app.cli.add_command(create_user_command)
