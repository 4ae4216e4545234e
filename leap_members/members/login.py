"""Flask-Login wiring: the cookie names a member and their current session token."""
from functools import cache

from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select

from ..core import dataversions
from ..core.sessions import start_session
from ..extensions import db, login_manager
from .models import Member

login_manager.login_view = "members.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"


@cache
def _member_by_id():
    """Built once: every logged-in request runs it (session.get would build and key a new
    SELECT). It also reads the data versions (core/dataversions.py) the request's pages are
    kept under: one round trip instead of two. (Built on first use, when every package has
    named the versions it follows.)"""
    return dataversions.with_versions(select(Member).where(Member.id == bindparam("member_id")))


@login_manager.user_loader
def load_member(identity: str) -> Member | None:
    member_id, _, token = (identity or "").partition(":")
    if not member_id.isdigit() or not token:
        return None
    row = db.session.execute(_member_by_id(), {"member_id": int(member_id)}).one_or_none()
    if row is None:
        return None
    member = row[0]
    if member.session_token != token or not member.is_active:
        return None
    dataversions.read_ahead(row)
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
