"""Failed logins counted per account, on top of the per-address limit.

A guess spread over many addresses still reaches the account's limit (RATELIMIT_LOGIN_ACCOUNT,
10 in 15 minutes), shared by every worker through the rate limiter's storage (Redis). Past it
the account takes no password for the rest of the window, and its owner is e-mailed. A browser
that has logged in to the account before carries a signed "known device" cookie and is not held
back (OWASP's device cookies), so a stranger's guessing cannot lock the real member out.
"""
import hashlib
import math
import time

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem, parse

from ..core.ratelimit import warn_storage_unreachable
from ..extensions import limiter

NAMESPACE = "login-account"
DEVICE_COOKIE = "leap_device"
DEVICE_COOKIE_DAYS = 365


def account_key(email: str) -> str:
    """The account's name in the limiter's storage: no address is stored there."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _limit() -> RateLimitItem:
    return parse(current_app.config["RATELIMIT_LOGIN_ACCOUNT"])


def _in_force() -> bool:
    return bool(current_app.config["RATELIMIT_ENABLED"])


def seconds_paused(email: str) -> int:
    """How long the account takes no password (0: it may try now)."""
    if not _in_force():
        return 0
    limit, key = _limit(), account_key(email)
    try:
        reset_at, remaining = limiter.limiter.get_window_stats(limit, NAMESPACE, key)
    except Exception:   # storage unreachable: limits degrade, never deny (the per-address limit still holds)
        warn_storage_unreachable("the per-account login limit is not applied")
        return 0
    return 0 if remaining > 0 else max(1, math.ceil(reset_at - time.time()))


def count_failure(email: str) -> bool:
    """Count a failed login for the account; True if this failure paused it."""
    if not _in_force():
        return False
    limit, key = _limit(), account_key(email)
    try:
        return limiter.limiter.hit(limit, NAMESPACE, key) and not limiter.limiter.test(limit, NAMESPACE, key)
    except Exception:
        warn_storage_unreachable("a failed login was not counted for its account")
        return False


def forget_failures(email: str) -> None:
    """Start the account's count afresh (after a password reset: its owner proved the inbox)."""
    if _in_force():
        try:
            limiter.limiter.clear(_limit(), NAMESPACE, account_key(email))
        except Exception:
            warn_storage_unreachable("an account's failed logins were not cleared")


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="leap-members:known-device")


def _device_keys(request: Request) -> list[str]:
    """The accounts this browser has logged in to (their keys), from its signed cookie."""
    try:
        keys = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_COOKIE_DAYS * 86400)
    except BadSignature:
        return []
    return [key for key in keys if isinstance(key, str)] if isinstance(keys, list) else []


def is_known_device(request: Request, email: str) -> bool:
    """Whether this browser has logged in to the account before."""
    return account_key(email) in _device_keys(request)


def remember_device(request: Request, response: Response, email: str) -> None:
    """Mark this browser as one that logged in to the account (for a year; five accounts at most)."""
    key = account_key(email)
    keys = [key, *(k for k in _device_keys(request) if k != key)][:5]
    response.set_cookie(DEVICE_COOKIE, _devices().dumps(keys), max_age=DEVICE_COOKIE_DAYS * 86400,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
