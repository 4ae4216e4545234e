"""Test clients logged in as someone, without the deliberately slow password check."""
import time

from leap_members.core.sessions import SESSION_SEEN, SESSION_STARTED


def log_in(client, member) -> None:
    """Put ``member`` in the client's session exactly as the login page does."""
    with client.session_transaction() as session:
        now = int(time.time())
        session["_user_id"] = member.get_id()
        session["_fresh"] = True
        session["_permanent"] = True
        session[SESSION_STARTED] = now
        session[SESSION_SEEN] = now


def client_as(app, member=None):
    """A test client logged in as ``member`` (anonymous when None)."""
    client = app.test_client()
    if member is not None:
        log_in(client, member)
    client.member = member
    return client
