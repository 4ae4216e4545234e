"""CLI: `flask apply-stripe-events [--loop]`, `flask send-annual-statements --year Y`, `flask reconcile-stripe --since T`."""
from collections import Counter
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from ..core import worker
from ..extensions import db
from ..mail.services import queue_email
from . import stripe_client
from .customers import push_pending_emails
from .envelope import check_envelope, printable_id
from .events import (
    DUPLICATE,
    FAILED,
    RELEASED,
    apply_queued,
    prepare,
    process_event,
    retry_deferred,
    waiting,
)
from .history import statements_for_year
from .receipts import org_facts


@click.command("apply-stripe-events")
@click.option("--loop", is_flag=True, help="Keep running, polling for events the webhook stored (stop with SIGTERM).")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between polls with --loop.")
@with_appcontext
def apply_stripe_events_command(loop: bool, interval: float) -> None:
    """Apply the Stripe events the webhook has stored, oldest first (the event worker)."""
    def batch(keep_going) -> Counter:
        counts = apply_queued(keep_going)
        if counts or not loop:   # an idle poll asks nothing more
            left = waiting()
            click.echo(f"{counts['applied']} applied, {counts['ignored']} ignored, {counts['deferred']} deferred, "
                       f"{counts[DUPLICATE]} already applied, {counts[FAILED]} failed (tried again later), "
                       f"{counts[RELEASED]} waiting events applied; now {left['queued']} queued "
                       f"({left['postponed']} held back: after a failure, or taken by another worker) and "
                       f"{left['deferred']} deferred.")
        return counts

    counts = worker.run(batch, loop=loop, interval=interval, name="apply-stripe-events")
    if not loop and counts and counts[FAILED]:
        raise SystemExit(1)


@click.command("send-annual-statements")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="The calendar year, e.g. 2025.")
@with_appcontext
def send_annual_statements_command(year: int) -> None:
    """E-mail every donor their giving statement for a year (each donor once, however often it runs)."""
    queued = 0
    statements = statements_for_year(year)
    for statement in statements:
        message = queue_email(statement.email, f"Your {year} giving statement from {current_app.config['ORG_NAME']}",
                              "donations_statement", kind="donation-statement",
                              dedupe_key=f"donation-statement:{year}:{statement.donor_key}",
                              statement=statement, org=org_facts())
        queued += message is not None
    db.session.commit()
    click.echo(f"{len(statements)} donors gave in {year}; {queued} statements queued, "
               f"{len(statements) - queued} had been queued before. Run `flask send-mail` to send them.")


def parse_since(value: str) -> int:
    """Unix seconds from an ISO date or date-time (UTC unless it says otherwise)."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use a date like 2025-03-01 or a time like 2025-03-01T12:00") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int(when.timestamp())


@click.command("reconcile-stripe")
@click.option("--since", required=True, help="Apply Stripe events created at or after this date/time (UTC).")
@with_appcontext
def reconcile_stripe_command(since: str) -> None:
    """Fetch Stripe's events since a time and apply every one the webhook missed (safe to repeat)."""
    created_gte = parse_since(since)
    try:
        events = list(stripe_client.events_since(created_gte))
    except stripe_client.StripeUnavailable as exc:
        raise click.ClickException(f"Could not list Stripe events: {exc}") from exc
    outcomes: Counter = Counter()
    for event in events:
        if reason := check_envelope(event):
            # Could never be stored or applied: say so and go on, as the webhook refuses it.
            outcomes["refused"] += 1
            current_app.logger.warning("Reconciliation skipped Stripe event %s: %s", printable_id(event), reason)
            click.echo(f"REFUSED {printable_id(event)}: {reason}", err=True)
            continue
        extra = prepare(event)
        try:
            result = process_event(event, source="reconcile", extra=extra)
            db.session.commit()
        except SQLAlchemyError as exc:
            db.session.rollback()
            outcomes["failed"] += 1
            click.echo(f"FAILED  {event['id']} {event.get('type')}: {exc}", err=True)
            continue
        outcomes[result.outcome] += 1
        if result.outcome != DUPLICATE:
            click.echo(f"{result.outcome:<9} {event['id']} {event.get('type')}: {result.note}")
        for event_id, event_type, note in result.released:
            outcomes[RELEASED] += 1
            click.echo(f"applied   {event_id} {event_type} (had waited): {note}")
    for row, note in retry_deferred(everything=True):
        outcomes[RELEASED] += 1
        click.echo(f"applied   {row.stripe_event_id} {row.type} (had waited): {note}")
    db.session.commit()
    pushed, failed = push_pending_emails()
    left = waiting()
    click.echo(f"Stripe listed {len(events)} events since {since}: {outcomes['applied']} applied, "
               f"{outcomes[DUPLICATE]} already recorded, {outcomes['ignored']} ignored, "
               f"{outcomes['deferred']} had to wait for a gift we did not know yet, {outcomes['failed']} failed, "
               f"{outcomes['refused']} refused (not a well-formed event); "
               f"{outcomes[RELEASED]} waiting events applied; "
               f"{left['deferred']} events still waiting for a gift we do not know, {left['queued']} stored by the webhook "
               f"for the event worker. E-mail changes pushed to Stripe: {pushed}"
               + (f", {failed} failed" if failed else "") + ".")
    if outcomes["failed"]:
        raise SystemExit(1)
