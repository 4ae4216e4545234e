"""Who is calling: the key in the ``OSDI-API-Token`` header, and nothing else.

Cookies never authenticate the API: a browser that holds a staff session sends it along, but the API
never reads it, so no page elsewhere can make a browser write through the API (no CSRF exposure).
"""
from flask import abort, g, request
from flask_limiter.util import get_remote_address

from .keys import hash_key, key_for, note_use
from .models import ApiKey

HEADER = "OSDI-API-Token"
READING = ("GET", "HEAD", "OPTIONS")


def rate_limit_key() -> str:
    """Requests count against their key; without one, against their address."""
    token = request.headers.get(HEADER)
    return f"api-key:{hash_key(token)[:32]}" if token else f"api-address:{get_remote_address()}"


def authenticate() -> None:
    token = request.headers.get(HEADER, "").strip()
    if not token:
        abort(401, f"Send an API key in the {HEADER} header. Admins create keys in the staff console.")
    key = key_for(token)
    if key is None:
        abort(401, "This API key is not known. Check it was copied whole, or ask an admin for a new one.")
    if key.is_revoked:
        abort(401, "This API key was revoked. Ask an admin for a new one.")
    if request.method not in READING and not key.can_write:
        abort(403, "This API key may only read. Ask an admin for a read and write key.")
    note_use(key)
    g.api_key = key


def current_key() -> ApiKey:
    return g.api_key


def actor() -> tuple[None, str]:
    """How the audit log names the caller."""
    return None, current_key().label
