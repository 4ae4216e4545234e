"""The webhook worker (`flask deliver-webhooks`): POST each queued delivery, signed, retried with back-off.

What a receiver gets: a POST of ``Content-Type: application/json`` whose body is the JSON array made
when the record was committed (webhooks_payloads.py), and these headers:

    X-LEAP-Signature: t=<unix time of this attempt>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
    X-LEAP-Event: person | signature | attendance | donation
    X-LEAP-Delivery: <the idempotency key in the body>

The HMAC is keyed with the endpoint's secret (its UTF-8 bytes). A receiver computes it over the raw
bytes it received, compares in constant time, refuses a ``t`` more than five minutes from its clock
(a replayed request), and ignores an idempotency key it has seen (a retry after a lost answer).

Any 2xx answer within WEBHOOK_TIMEOUT_SECONDS delivers; anything else (another status, a redirect,
which is not followed, a timeout, a refused connection) is tried again after core/timeutil.backoff,
and given up as failed after WEBHOOK_MAX_ATTEMPTS. Rows are leased as the outbox's are
(core/leases.py); nothing is held open while a receiver answers.
"""
import hashlib
import hmac
import http.client
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from ..core.leases import Lease
from ..core.timeutil import backoff, utcnow
from ..core.worker import describe
from ..extensions import db
from .models import WebhookDelivery, WebhookEndpoint
from .webhooks import EndpointRefused, is_public

SIGNATURE_HEADER = "X-LEAP-Signature"
USER_AGENT = "LEAP-Members-Webhooks/1"
ANSWER_SHOWN = 200   # characters of a refusing receiver's answer kept as the error


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode("utf-8"), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class Answer:
    status: int | None   # the HTTP status, None when none came
    error: str | None    # None: delivered


def deliver_pending(limit: int = 50, keep_going: Callable[[], bool] = lambda: True) -> tuple[int, int]:
    """POST the due deliveries of unpaused endpoints, oldest first; (delivered, failed attempts)."""
    lease = Lease(WebhookDelivery, WebhookDelivery.next_attempt_at)
    unpaused = select(WebhookEndpoint.id).where(WebhookEndpoint.paused_at.is_(None))
    due = [WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None),
           WebhookDelivery.next_attempt_at <= utcnow(), WebhookDelivery.endpoint_id.in_(unpaused)]
    delivered = failed = 0
    try:
        rows = lease.take(due, limit, WebhookDelivery.endpoint_id, WebhookDelivery.event,
                          WebhookDelivery.idempotency_key, WebhookDelivery.body)
        targets = {row.id: (row.url, row.secret) for row in db.session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.secret)
            .where(WebhookEndpoint.id.in_({row.endpoint_id for row in rows})))} if rows else {}
        db.session.commit()   # no transaction open while receivers answer
        for row in rows:
            if not keep_going():
                break
            lease.keep()
            if row.endpoint_id in targets:   # else deleted meanwhile, and its deliveries with it
                url, secret = targets[row.endpoint_id]
                answer = post(url, secret, row.body.encode("utf-8"), {"X-LEAP-Event": row.event,
                                                                       "X-LEAP-Delivery": row.idempotency_key})
                _record(row.id, answer)
                if answer.error is None:
                    delivered += 1
                else:
                    failed += 1
            lease.finished(row.id)
    finally:
        lease.hand_back()
    return delivered, failed


def post(url: str, secret: str, body: bytes, headers: dict[str, str]) -> Answer:
    """One signed POST of ``body`` to ``url``: what the receiver answered."""
    cfg = current_app.config
    parts = urlsplit(url)
    tls = ssl.create_default_context() if parts.scheme == "https" else None
    port = parts.port or (443 if tls else 80)
    sent = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: sign(secret, body, int(time.time())), **headers}
    connection = None
    try:
        address = checked_address(parts.hostname or "", port, cfg["WEBHOOKS_ALLOW_LOCAL"])
        connection = PinnedConnection(parts.hostname or "", port, address, cfg["WEBHOOK_TIMEOUT_SECONDS"], tls)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, body, sent)
        response = connection.getresponse()
        answered = response.read(ANSWER_SHOWN).decode("utf-8", "replace").strip()
    except (OSError, http.client.HTTPException, ValueError) as exc:   # ValueError: EndpointRefused, bad names
        return Answer(None, describe(exc))
    finally:
        if connection is not None:
            connection.close()
    if 200 <= response.status < 300:
        return Answer(response.status, None)
    if 300 <= response.status < 400:
        return Answer(response.status, f"HTTP {response.status}: redirects are not followed; register the address "
                                       f"it points to ({response.getheader('Location', '')[:200]})")
    return Answer(response.status, f"HTTP {response.status}: {answered}" if answered else f"HTTP {response.status}")


def checked_address(host: str, port: int, allow_local: bool) -> str:
    """The address to connect to: ``host`` resolved, every address it has public unless ``allow_local``."""
    found = [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    if not allow_local and not all(is_public(str(address)) for address in found):
        raise EndpointRefused(f"{host} resolves to an address on a private network or this machine: not sent")
    return str(found[0])


class PinnedConnection(http.client.HTTPConnection):
    """HTTP or HTTPS to ``host`` at the address that was checked, so DNS cannot change it in between;
    the certificate is still checked against ``host``."""

    def __init__(self, host: str, port: int, address: str, timeout: float, tls: ssl.SSLContext | None):
        super().__init__(host, port, timeout=timeout)
        self.address, self.tls = address, tls

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host) if self.tls else sock


def _record(delivery_id: int, answer: Answer) -> None:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:   # its endpoint was deleted while it was being sent
        return
    delivery.attempts += 1
    delivery.last_status = answer.status
    delivery.last_error = answer.error[:500] if answer.error else None
    if answer.error is None:
        delivery.delivered_at = utcnow()
    elif delivery.attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        delivery.failed_at = utcnow()
    else:
        delivery.next_attempt_at = utcnow() + backoff(delivery.attempts)
    db.session.commit()
