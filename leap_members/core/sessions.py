"""Login sessions: idle and absolute lifetimes on top of Flask-Login, in signed cookies."""
import time
from datetime import datetime, timezone

from flask import Flask, Request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import current_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_STARTED = "_started"
SESSION_SEEN = "_seen"


def start_session() -> None:
    """Begin a fresh session (called at login, after the old one is cleared)."""
    now = _now()
    session.permanent = True
    session[SESSION_STARTED] = now
    session[SESSION_SEEN] = now


def _now() -> int:
    return int(datetime.now(timezone.utc).timestamp())


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with two costs of every request paid once per worker:
    making the signing serializer (it encodes a test value to learn what it returns), once per
    secret key and fallbacks; and checking and decoding a cookie, once per cookie while it is
    within its lifetime (verified once, the same text always verifies). Only a session of plain
    values (text, numbers, flags) is kept: its copy for a request shares nothing it could change."""

    def __init__(self):
        self._by_keys: dict[tuple, tuple[URLSafeTimedSerializer | None, dict]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        return self._for_keys(app)[0]

    def _for_keys(self, app: Flask) -> tuple[URLSafeTimedSerializer | None, dict]:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        found = self._by_keys.get(keys)
        if found is None:
            found = self._by_keys[keys] = (super().get_signing_serializer(app), {})
        return found

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer, opened = self._for_keys(app)
        cookie = request.cookies.get(self.get_cookie_name(app))
        if serializer is None or not cookie:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = opened.get(cookie)
        if kept is not None and 0 <= int(time.time()) - kept[0] <= max_age:
            return self.session_class(kept[1])
        try:
            data, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(type(value) in _PLAIN for value in data.values()):
            if len(opened) >= _OPENED_KEPT:
                opened.clear()
            opened[cookie] = (int(signed.timestamp()), data)
        return self.session_class(data)


_PLAIN = (str, int, float, bool, type(None))
_OPENED_KEPT = 4096   # cookies per worker; then all are checked afresh


def register(app: Flask) -> None:
    app.session_interface = SignedCookieSessions()
    idle = int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds())
    absolute = int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())

    @app.before_request
    def expire_stale_sessions():
        if SESSION_STARTED not in session:
            return
        now = _now()
        if now - session.get(SESSION_SEEN, 0) > idle or now - session[SESSION_STARTED] > absolute:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            return
        # Refresh at most once a minute, so the cookie does not change on every request.
        if now - session.get(SESSION_SEEN, 0) > 60:
            session[SESSION_SEEN] = now
