"""``flask create-api-key``, ``list-api-keys`` and ``revoke-api-key``: keys from the command line;
``flask deliver-webhooks``: the webhook worker."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..admin.audit import command_line_actor
from ..core import worker
from ..extensions import db
from .keys import KeyRefused, all_keys, create_key, record_created, record_revoked, revoke
from .models import ApiKey, Scope
from .webhooks_delivery import deliver_pending


@click.command("create-api-key")
@click.option("--name", required=True, help="Which tool uses the key, e.g. “Mobilize sync”.")
@click.option("--scope", type=click.Choice(Scope.ALL), default=Scope.READ, show_default=True,
              help="read: only reading; write: reading and writing.")
@click.option("--subscribe-new-people", is_flag=True,
              help="People this key creates get e-mail updates unless the request says otherwise.")
@with_appcontext
def create_api_key_command(name: str, scope: str, subscribe_new_people: bool) -> None:
    """Make an API key and print it once: it is stored hashed and cannot be shown again."""
    try:
        key, token = create_key(name, scope, command_line_actor(), subscribe_new_people=subscribe_new_people)
    except KeyRefused as error:
        raise click.UsageError(str(error)) from None
    record_created(key)
    db.session.commit()
    click.echo(token)
    click.echo(f"Key {key.id} ({Scope.LABELS[scope].lower()}) for {key.name!r}. Send it in the OSDI-API-Token "
               "header; it is not shown again.", err=True)


@click.command("list-api-keys")
@with_appcontext
def list_api_keys_command() -> None:
    """List the API keys: id, first characters, scope, last use, revoked."""
    for key in all_keys():
        used = key.last_used_at.strftime("%Y-%m-%d %H:%M") if key.last_used_at else "never used"
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        click.echo(f"{key.id}\t{key.prefix}…\t{key.scope}\t{used}\t{state}\t{key.name}")


@click.command("revoke-api-key")
@click.argument("key_id", type=int)
@with_appcontext
def revoke_api_key_command(key_id: int) -> None:
    """Revoke API key KEY_ID (from list-api-keys): requests with it get 401 from now on."""
    key = db.session.scalar(select(ApiKey).where(ApiKey.id == key_id))
    if key is None:
        raise click.UsageError(f"There is no API key {key_id}.")
    if not revoke(key, command_line_actor()):
        click.echo(f"Key {key_id} was revoked already.")
        return
    record_revoked(key)
    db.session.commit()
    click.echo(f"Revoked key {key_id} ({key.name}).")


@click.command("deliver-webhooks")
@click.option("--loop", is_flag=True, help="Keep running, polling for deliveries (stop with SIGTERM or Ctrl-C).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls with --loop.")
@with_appcontext
def deliver_webhooks_command(loop: bool, interval: float) -> None:
    """POST the queued webhook deliveries to their endpoints, retrying failures with back-off."""
    def batch(keep_going) -> None:
        delivered, failed = deliver_pending(keep_going=keep_going)
        if delivered or failed or not loop:
            click.echo(f"delivered {delivered}, failed {failed} (tried again later, or given up)")

    worker.run(batch, loop=loop, interval=interval, name="deliver-webhooks")
