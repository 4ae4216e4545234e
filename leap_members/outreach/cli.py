"""``flask process-bounces``: read returned mail and unsubscribe requests (cron, every few minutes)."""
import click
from flask import current_app
from flask.cli import with_appcontext

from .mailboxes import Imap, Maildir, process
from .returned_mail import KNOWN, NOT_OURS, RECORDED, UNPARSEABLE, UNSUBSCRIBED


@click.command("process-bounces")
@click.option("--maildir", "maildir", type=click.Path(exists=True, file_okay=False), help="Read this maildir.")
@click.option("--imap", is_flag=True, help="Read IMAP_FOLDER on IMAP_HOST (SSL) as IMAP_USERNAME.")
@click.option("--delete", is_flag=True, help="Delete processed messages instead of moving them to “processed”.")
@with_appcontext
def process_bounces_command(maildir: str | None, imap: bool, delete: bool) -> None:
    """Record the bounces and complaints returned to the VERP address, and e-mailed unsubscribes."""
    if bool(maildir) == imap:
        raise click.UsageError("Give either --maildir PATH or --imap.")
    if imap and not current_app.config["IMAP_HOST"]:
        raise click.UsageError("IMAP_HOST is not set.")
    box = Maildir(maildir, delete) if maildir else Imap.connect(current_app.config, delete)
    counts = process(box, current_app.config["MAIL_UNSUBSCRIBE_ADDRESS"])
    click.echo(f"read {sum(counts.values())}: {counts[RECORDED]} bounces or complaints recorded, "
               f"{counts[KNOWN]} already known, {counts[UNSUBSCRIBED]} unsubscribes, "
               f"{counts[NOT_OURS]} about no message of ours (left), {counts[UNPARSEABLE]} not understood (left)")
