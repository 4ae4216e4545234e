"""Flask-Login wiring: the cookie names a member and their current session token."""
from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from ..core import dataversions
from ..core.driver_select import DriverSelect
from ..core.sessions import start_session
from ..extensions import db, login_manager
from .models import Member

login_manager.login_view = "members.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"

# What most pages use of the logged-in member: who they are, what they may see and take part in,
# how they sign. The rest of their row (the profile's other details, the password hash, the
# times) loads in one statement when a page first uses any of it.
_READ_EVERY_REQUEST = ("id", "session_token", "status", "role", "email_confirmed_at", "email", "first_name",
                       "last_name", "city", "state", "category", "verification")
# Every logged-in request sends it: that much of the member's row, and the data versions
# (core/dataversions.py) the request's pages are kept under, in one round trip. Built on first
# use, when every package has named the versions it follows.
_MEMBER_AND_VERSIONS = DriverSelect(lambda: dataversions.with_versions(
    select(*(getattr(Member, name) for name in _READ_EVERY_REQUEST)).where(Member.id == bindparam("member_id"))))


@login_manager.user_loader
def load_member(identity: str) -> Member | None:
    member_id, _, token = (identity or "").partition(":")
    if not member_id.isdigit() or not token:
        return None
    row = _MEMBER_AND_VERSIONS.one_or_none(member_id=int(member_id))
    if row is None or row["session_token"] != token:
        return None
    member = _in_the_session(row)
    if not member.is_active:
        return None
    dataversions.read_ahead(row)
    return member


def _in_the_session(row: dict) -> Member:
    """The member of ``row`` in the request's session, as if the ORM had loaded them (no changes
    to flush; the rest of their row and their relationships load when first used). If the session
    holds them already, what it no longer holds of them (expired by a commit or a rollback) is
    filled in from ``row``."""
    member = db.session.identity_map.get(identity_key(Member, row["id"]))
    if member is None:
        member = Member(**{name: row[name] for name in _READ_EVERY_REQUEST})
        make_transient_to_detached(member)   # the columns not given: expired, loaded on first use
        db.session.add(member)
    else:
        for name in inspect(member).unloaded.intersection(_READ_EVERY_REQUEST):
            set_committed_value(member, name, row[name])
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
