"""Webhook endpoints: admins register an address and choose what it is sent; pause, renew the secret, delete.

Each change is in the audit log. The address is checked against server-side request forgery: unless
WEBHOOKS_ALLOW_LOCAL is set (development and testing), it must be https and must not name a loopback,
private, link-local or otherwise non-public host. The worker checks the addresses the name resolves
to before each delivery and connects to the one it checked (webhooks_delivery.py), so a name made to
point at the server's own network after it was registered reaches nothing.
"""
import ipaddress
import secrets
from collections import Counter
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, func, select

from ..admin.audit import current_actor, record_event
from ..core.timeutil import utcnow
from ..extensions import db
from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent

RECENT_DELIVERIES = 50
# Names that mean this machine or its network, whatever DNS says.
LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".localdomain")


class EndpointRefused(ValueError):
    """The address cannot be used; the message says why."""


def is_public(address: str) -> bool:
    """Whether an IP address is on the public internet (not loopback, private, link-local, shared, reserved)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])   # a scope ("fe80::1%eth0") is link-local anyway
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> str:
    """The address as it is stored, or EndpointRefused saying what to change."""
    allow_local = current_app.config["WEBHOOKS_ALLOW_LOCAL"]
    try:
        parts = urlsplit(url)
        parts.port   # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise EndpointRefused("This is not a web address. Give the whole address, starting with https://.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise EndpointRefused("Give the whole address, starting with https://.")
    if parts.scheme == "http" and not allow_local:
        raise EndpointRefused("The address must start with https://: deliveries carry people's personal details.")
    if parts.username is not None or parts.password is not None:
        raise EndpointRefused("Leave the user name and password out of the address: every delivery is signed instead.")
    if parts.fragment:
        raise EndpointRefused("Leave out the part after “#”: it is never sent to the receiver.")
    if not allow_local and not _may_be_public(parts.hostname):
        raise EndpointRefused("This address is on a private network or this machine. Give an address on the "
                              "public internet.")
    return url


def _may_be_public(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == LOCAL_NAMES[0] or host.endswith(LOCAL_NAMES[1:]):
        return False
    try:
        return is_public(host)
    except ValueError:   # a name, not an address: checked when it is resolved, before each delivery
        return True


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def register_endpoint(name: str, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (shown once: afterwards it can only be renewed)."""
    events = [event for event in WebhookEvent.ALL if event in events]
    if not events:
        raise EndpointRefused("Choose at least one kind of record to send.")
    endpoint = WebhookEndpoint(name=name, url=check_url(url), events=events, secret=new_secret(),
                               created_by_label=current_actor()[1])
    db.session.add(endpoint)
    db.session.flush()
    kinds = ", ".join(WebhookEvent.LABELS[event].lower() for event in events)
    _audit(endpoint, f"Registered webhook {endpoint.name!r} to {endpoint.url} ({kinds})", events=events)
    return endpoint, endpoint.secret


def set_paused(endpoint: WebhookEndpoint, paused: bool) -> None:
    endpoint.paused_at = utcnow() if paused else None
    _audit(endpoint, f"{'Paused' if paused else 'Resumed'} webhook {endpoint.name!r} ({endpoint.url})")


def renew_secret(endpoint: WebhookEndpoint) -> str:
    """A new secret for the endpoint; deliveries from now on are signed with it only."""
    endpoint.secret = new_secret()
    _audit(endpoint, f"Renewed the secret of webhook {endpoint.name!r} ({endpoint.url})")
    return endpoint.secret


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint and its deliveries, sent or not."""
    _audit(endpoint, f"Deleted webhook {endpoint.name!r} ({endpoint.url})")
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
                       .execution_options(synchronize_session=False))
    db.session.delete(endpoint)
    db.session.flush()


def redeliver(delivery: WebhookDelivery) -> bool:
    """Queue a failed delivery again, with all its attempts; False if it had not failed."""
    if delivery.failed_at is None:
        return False
    delivery.failed_at, delivery.attempts, delivery.next_attempt_at = None, 0, utcnow()
    endpoint = db.session.get_one(WebhookEndpoint, delivery.endpoint_id)
    _audit(endpoint, f"Queued again delivery {delivery.id} ({delivery.event}) of webhook {endpoint.name!r}",
           delivery_id=delivery.id)
    return True


def all_endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.name, WebhookEndpoint.id)))


def waiting_and_failed() -> dict[int, Counter]:
    """For each endpoint: how many deliveries wait ("waiting") and how many were given up ("failed")."""
    counts: dict[int, Counter] = {}
    rows = db.session.execute(
        select(WebhookDelivery.endpoint_id, WebhookDelivery.failed_at.is_not(None), func.count())
        .where(WebhookDelivery.delivered_at.is_(None)).group_by(WebhookDelivery.endpoint_id,
                                                                 WebhookDelivery.failed_at.is_not(None)))
    for endpoint_id, failed, number in rows:
        counts.setdefault(endpoint_id, Counter())["failed" if failed else "waiting"] += number
    return counts


def recent_deliveries(endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
                                   .order_by(WebhookDelivery.id.desc()).limit(RECENT_DELIVERIES)))


def _audit(endpoint: WebhookEndpoint, summary: str, **details) -> None:
    record_event("webhook", summary, details={"webhook_endpoint_id": endpoint.id, **details})
