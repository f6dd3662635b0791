"""The ``camreg`` command line: Flask's own commands plus the registry's."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup

from camera_registry import create_app, migrate
from camera_registry.choices import Role
from camera_registry.database import db
from camera_registry.errors import ServiceError
from camera_registry.services import users


@click.group(cls=FlaskGroup, create_app=create_app)
def cli() -> None:
    """camera_registry: cameras, health checks and coverage of Sharp Eyes video networks."""


def fail(exc: ServiceError) -> None:
    click.echo(f"error: {exc.message}", err=True)
    for detail in exc.details[:50]:
        where = ", ".join(f"{k} {v}" for k, v in detail.items() if k != "message")
        click.echo(f"  {where}: {detail.get('message', '')}", err=True)
    sys.exit(1)


@cli.group("db")
def db_group() -> None:
    """Database schema migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to REVISION (default: the newest)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Take the database schema back to REVISION ('base' empties it)."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db_group.command("current")
def db_current() -> None:
    """Show the database's migration revision."""
    migrate.current(current_app.config["DATABASE_URL"])


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the models (developers only)."""
    migrate.revision(current_app.config["DATABASE_URL"], message)


@cli.group("user")
def user_group() -> None:
    """User accounts."""


@user_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(Role.values()), required=True)
@click.option("--scope", "scope_code", help="division code the user is limited to")
@click.option("--password", help="for the dashboard login; omit for API-only users")
@click.option("--email", default="")
def user_create(username: str, role: str, scope_code: str | None, password: str | None,
                email: str) -> None:
    """Create a user with a role and a division scope."""
    try:
        user = users.create_user(db.session, username, role, scope_code, password, email)
    except ServiceError as exc:
        fail(exc)
    scope = user.scope.code if user.scope else "everywhere"
    click.echo(f"created user {user.username} ({user.role}, scope {scope})")


@cli.group("token")
def token_group() -> None:
    """API tokens."""


@token_group.command("create")
@click.argument("username")
@click.option("--description", default="")
@click.option("--days", type=int, help="valid for this many days (default: until revoked)")
def token_create(username: str, description: str, days: int | None) -> None:
    """Create an API token for USERNAME; the token is the last word printed."""
    try:
        user = users.get_user(db.session, username)
    except ServiceError as exc:
        fail(exc)
    token = users.create_token(db.session, user, description, days)
    scope = user.scope.code if user.scope else "everywhere"
    click.echo(f"token for {user.username} ({user.role}, scope {scope}): {token}")


import camera_registry.commands  # noqa: E402,F401  (import, export and demo commands)
