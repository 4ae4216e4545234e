"""Flask-Login wiring: the cookie names a member and their current session token."""
from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select

from ..core.sessions import start_session
from ..extensions import db, login_manager
from .models import Member

login_manager.login_view = "members.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"


# Built once: every logged-in request runs it (session.get would build and key a new SELECT).
_MEMBER_BY_ID = select(Member).where(Member.id == bindparam("member_id"))


@login_manager.user_loader
def load_member(identity: str) -> Member | None:
    member_id, _, token = (identity or "").partition(":")
    if not member_id.isdigit() or not token:
        return None
    member = db.session.execute(_MEMBER_BY_ID, {"member_id": int(member_id)}).scalar_one_or_none()
    if member is None or member.session_token != token or not member.is_active:
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
