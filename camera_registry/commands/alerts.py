"""camreg subscription, incidents, digest and outbox: alerts from the command line."""
from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from camera_registry.choices import IncidentKind, IncidentStatus, Language
from camera_registry.cli import cli, fail
from camera_registry.database import db, utcnow
from camera_registry.errors import ServiceError
from camera_registry.models import Division, Incident, Subscription
from camera_registry.services import crud, digest, emails, outbox
from camera_registry.services.alerts import AlertJobs
from camera_registry.services.scope import Actor
from camera_registry.services.subscriptions import SubscriptionResource
from camera_registry.services.values import iso


@cli.group("subscription")
def subscription_group() -> None:
    """Who is emailed about incidents (see docs/ALERTS.md)."""


@subscription_group.command("add")
@click.argument("email")
@click.option("--division", "division_code", help="division code (or give --compound)")
@click.option("--compound", "compound_id", type=int, help="compound id")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(IncidentKind.values()),
              help="incident kind to be told of (repeat; default: all)")
@click.option("--language", type=click.Choice(Language.values()), default=Language.ZH,
              show_default=True)
@click.option("--no-digest", is_flag=True, help="no daily digest for this address")
def subscription_add(email: str, division_code: str | None, compound_id: int | None,
                     kinds: tuple[str, ...], language: str, no_digest: bool) -> None:
    """Email EMAIL about incidents in a division or compound."""
    payload = {"email": email, "division_code": division_code, "compound_id": compound_id,
               "kinds": list(kinds), "language": language, "digest": not no_digest}
    try:
        subscription = crud.create_object(db.session, Actor.system("camreg subscription add"),
                                          SubscriptionResource(), payload)
    except ServiceError as exc:
        fail(exc)
    click.echo(f"subscription {subscription.id}: {_describe(subscription)}")


@subscription_group.command("list")
@click.option("--division", "division_code", help="only this division's subtree")
def subscription_list(division_code: str | None) -> None:
    """List subscriptions."""
    query = select(Subscription).join(Division, Subscription.division_id == Division.id)
    if division_code:
        division = db.session.scalar(select(Division).where(Division.code == division_code))
        if division is None:
            raise click.UsageError(f"no division with code {division_code}")
        query = query.where(Division.code.startswith(division.subtree_prefix, autoescape=True))
    rows = list(db.session.scalars(query.order_by(Division.code, Subscription.id)))
    for subscription in rows:
        click.echo(f"{subscription.id:>5}  {_describe(subscription)}")
    if not rows:
        click.echo("no subscriptions")


@subscription_group.command("remove")
@click.argument("ident", type=int)
def subscription_remove(ident: int) -> None:
    """Remove subscription ID."""
    try:
        crud.delete_object(db.session, Actor.system("camreg subscription remove"),
                           SubscriptionResource(), ident)
    except ServiceError as exc:
        fail(exc)
    click.echo(f"removed subscription {ident}")


def _describe(subscription: Subscription) -> str:
    scope = (f"compound {subscription.compound.name} ({subscription.compound_id})"
             if subscription.compound else
             f"{subscription.division.name} ({subscription.division.code})")
    kinds = ", ".join(subscription.kinds) or "all incidents"
    extra = "" if subscription.active else ", inactive"
    digest_note = ", daily digest" if subscription.digest else ""
    return (f"{subscription.email} <- {scope}: {kinds}, {subscription.language}"
            f"{digest_note}{extra}")


@cli.command("incidents")
@click.option("--all", "show_all", is_flag=True, help="resolved ones too (the last 100)")
@click.option("--division", "division_code", help="only this division's subtree")
def incidents_command(show_all: bool, division_code: str | None) -> None:
    """List open incidents, oldest first (folded camera incidents under their compound)."""
    query = (select(Incident).join(Division, Incident.division_id == Division.id)
             .where(Incident.parent_id.is_(None)))
    if not show_all:
        query = query.where(Incident.status != IncidentStatus.RESOLVED)
    if division_code:
        query = query.where(Division.code.startswith(division_code, autoescape=True))
    rows = list(db.session.scalars(query.order_by(Incident.opened_at.desc()).limit(100)))
    for incident in reversed(rows):
        ack = f" ack {incident.acknowledged_by}" if incident.acknowledged_by else ""
        click.echo(f"{incident.id:>6}  {incident.status:<12} {incident.kind:<20} "
                   f"{incident.subject}  since {iso(incident.since)}{ack}")
        for child in incident.children:
            click.echo(f"{'':>8}- {child.subject} ({child.status})")
    if not rows:
        click.echo("no open incidents" if not show_all else "no incidents")


@cli.command("digest")
@click.option("--division", "division_code", help="print this division's digest")
@click.option("--language", type=click.Choice(Language.values()), default=Language.ZH)
@click.option("--send-now", is_flag=True, help="queue today's digest for every subscriber "
                                               "and send the outbox")
def digest_command(division_code: str | None, language: str, send_now: bool) -> None:
    """Print a division's daily digest, or send everyone's now."""
    jobs = AlertJobs(db.session_factory, current_app.config)
    if send_now:
        queued = jobs.digest()
        delivery = jobs.deliver()
        click.echo(f"{queued} digests queued; {delivery.sent} emails sent, "
                   f"{delivery.deferred} deferred")
        return
    if not division_code:
        raise click.UsageError("give --division CODE to print a digest, or --send-now")
    division = db.session.scalar(select(Division).where(Division.code == division_code))
    if division is None:
        raise click.UsageError(f"no division with code {division_code}")
    figures = digest.compute(db.session, division, None, utcnow(), jobs.policy)
    _subject, text, _html = emails.render_digest(language, figures, jobs.policy)
    click.echo(text)


@cli.command("outbox")
@click.option("--deliver", is_flag=True, help="process incidents and send due emails now")
def outbox_command(deliver: bool) -> None:
    """Show the email outbox by status; --deliver sends what is due."""
    if deliver:
        jobs = AlertJobs(db.session_factory, current_app.config)
        jobs.process()
        delivery = jobs.deliver()
        click.echo(f"sent {delivery.sent}, deferred {delivery.deferred}, "
                   f"failed {delivery.failed}")
    counts = outbox.summary(db.session)
    click.echo(", ".join(f"{status} {count}" for status, count in sorted(counts.items()))
               or "the outbox is empty")
