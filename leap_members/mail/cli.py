"""``flask send-mail``: the outbox worker."""
import time

import click
from flask.cli import with_appcontext

from .sender import send_pending


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, polling the outbox.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls with --loop.")
@with_appcontext
def send_mail_command(loop: bool, interval: float) -> None:
    """Send the e-mails waiting in the outbox."""
    while True:
        sent, failed = send_pending()
        if sent or failed or not loop:
            click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            return
        time.sleep(interval)
