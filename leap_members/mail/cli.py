"""``flask send-mail``: the outbox worker."""
import click
from flask.cli import with_appcontext

from ..core import worker
from .sender import send_pending


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, polling the outbox (stop with SIGTERM or Ctrl-C).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls with --loop.")
@with_appcontext
def send_mail_command(loop: bool, interval: float) -> None:
    """Send the e-mails waiting in the outbox."""
    def batch(keep_going) -> None:
        sent, failed = send_pending(keep_going=keep_going)
        if sent or failed or not loop:
            click.echo(f"sent {sent}, failed {failed}")

    worker.run(batch, loop=loop, interval=interval, name="send-mail")
