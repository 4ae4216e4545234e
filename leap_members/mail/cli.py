"""``flask send-mail``: the outbox worker."""
import click
from flask.cli import with_appcontext

from ..core import worker
from ..outreach import sending
from .sender import send_pending


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, polling the outbox (stop with SIGTERM or Ctrl-C).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls with --loop.")
@with_appcontext
def send_mail_command(loop: bool, interval: float) -> None:
    """Send the e-mails waiting in the outbox."""
    def batch(keep_going) -> None:
        released, written, finished = sending.step()   # bulk messages: due, written to the outbox, done
        sent, failed = send_pending(keep_going=keep_going)
        if released or written or finished:
            click.echo(f"bulk messages: {released} started, {written} recipients queued, {finished} finished")
        if sent or failed or not loop:
            click.echo(f"sent {sent}, failed {failed}")

    worker.run(batch, loop=loop, interval=interval, name="send-mail")
