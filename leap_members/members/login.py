"""Flask-Login wiring: the cookie names a member and their current session token."""
import hmac

from flask import session
from flask_login import current_user, login_user, logout_user

from ..core.converters import LARGEST_ID
from ..core.sessions import start_session
from ..extensions import db, login_manager
from .models import Member

login_manager.login_view = "members.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_member(identity: str) -> Member | None:
    """The member the cookie names, if its session token is still theirs and they may log in."""
    member_id, _, token = (identity or "").partition(":")
    if not member_id.isdigit() or not token or int(member_id) > LARGEST_ID:
        return None
    member = db.session.get(Member, int(member_id))
    if member is None or not hmac.compare_digest(member.session_token, token) or not member.is_active:
        return None
    return member


def log_in(member: Member) -> None:
    """Start a new session for ``member``: nothing of the old session survives."""
    session.clear()
    login_user(member)
    start_session()


def log_out(member: Member) -> None:
    """End this and every other session of ``member``."""
    member.end_all_sessions()
    logout_user()
    session.clear()


def current_member() -> Member:
    """The logged-in member as the request's session holds them (the object itself, not Flask-Login's
    stand-in for it): for code that stores or compares it. The session has them already: no query."""
    member = db.session.get(Member, current_user.id)
    if member is None:
        raise LookupError("no member is logged in")
    return member
