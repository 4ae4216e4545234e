"""Login sessions: idle and absolute lifetimes on top of Flask-Login, in signed cookies."""
from datetime import datetime, timezone

from flask import Flask, session
from flask_login import current_user, logout_user

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


def register(app: Flask) -> None:
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
