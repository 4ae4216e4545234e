"""Rate limits named in the configuration, applied to POSTs, and the state of their storage.

Limits degrade, never deny: with Redis unreachable each worker counts in its own memory
(Flask-Limiter's in-memory fallback, storage errors swallowed) until Redis answers again.
"""
import logging
import time

from flask import current_app

from ..extensions import limiter

log = logging.getLogger(__name__)


def post_limit(config_key: str):
    """Limit POSTs to the view by the rate in ``config[config_key]`` (e.g. "10 per minute")."""
    return limiter.limit(lambda: current_app.config[config_key], methods=["POST"])


def storage_state() -> str:
    """"shared" (Redis answers), "per worker" (memory by configuration), "unreachable" (each
    worker counts in its own memory until Redis answers again) or "off"."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return "off"
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return "per worker"
    return "shared" if limiter.storage.check() else "unreachable"


_last_warned = {"at": float("-inf")}


def warn_storage_unreachable(what: str) -> None:
    """Log that the limits' storage cannot be reached, at most once a minute per worker."""
    now = time.monotonic()
    if now - _last_warned["at"] >= 60:
        _last_warned["at"] = now
        log.warning("Rate-limit storage unreachable (%s); limits are counted per worker until it answers", what)
