"""CLI: event reminders (for cron) and demo actions."""
from datetime import timedelta

import click
from flask.cli import with_appcontext

from ..extensions import db
from .demo import seed_demo_actions
from .reminders import queue_event_reminders


@click.command("send-event-reminders")
@click.option("--hours", default=24, show_default=True, type=click.IntRange(1, 24 * 14),
              help="Remind people of events starting within this many hours.")
@with_appcontext
def send_event_reminders_command(hours: int) -> None:
    """Queue reminder e-mails for upcoming events (run hourly from cron; `flask send-mail` sends them)."""
    count = queue_event_reminders(timedelta(hours=hours))
    db.session.commit()
    click.echo(f"queued {count} event reminder{'s' if count != 1 else ''}")


@click.command("seed-demo-actions")
@with_appcontext
def seed_demo_actions_command() -> None:
    """Add a few realistic demo actions, one or more of each type (idempotent)."""
    added = seed_demo_actions()
    db.session.commit()
    click.echo(f"Demo actions: {added} added. Members see them at /actions; staff at /staff/actions.")
