"""A return path of its own for every message (VERP): a bounce names the message it is about.

``bounces+4711-1a2b3c4d5e6f@leap.example`` is outbox message 4711; the signature stops a forged
report from suppressing someone else's address. Without MAIL_RETURN_PATH, mail keeps the From
address as its return path and bounces are known only from the provider's webhook.
"""
import hashlib
import hmac
import re

from flask import current_app

_VERP = re.compile(r"^(?P<local>[^+@]+)\+(?P<id>[0-9]{1,12})-(?P<sig>[0-9a-f]{12})@(?P<domain>[^@]+)$")


def _signature(message_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"verp:{message_id}".encode(), hashlib.sha256).hexdigest()[:12]


def return_path(outbox_message_id: int) -> str | None:
    """The envelope sender for one message, or None when VERP is not set up."""
    base = current_app.config["MAIL_RETURN_PATH"]
    if not base:
        return None
    local, _, domain = base.partition("@")
    return f"{local}+{outbox_message_id}-{_signature(outbox_message_id)}@{domain}"


def message_of(address: str) -> int | None:
    """The outbox message a VERP address stands for, or None if it is not one of ours."""
    base = current_app.config["MAIL_RETURN_PATH"]
    found = _VERP.match((address or "").strip().strip("<>").lower())
    if not base or not found:
        return None
    local, _, domain = base.lower().partition("@")
    message_id = int(found["id"])
    if (found["local"], found["domain"]) != (local, domain):
        return None
    if not hmac.compare_digest(found["sig"], _signature(message_id)):
        return None
    return message_id
