"""Logging in and out: sessions that really end, and redirects that stay on the site."""
import time

import pytest
from flask import get_flashed_messages, session
from flask_login import current_user

from tests.support.factories import PASSWORD

COOKIE = "leap_session"


def session_cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def replay(app, cookie_value):
    """A different browser presenting a copied cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie_value, domain="localhost")
    return other


def test_member_logs_in_and_reaches_their_account(client, auth, member):
    response = auth.login(member.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert member.email in client.get("/account").get_data(as_text=True)


def test_login_accepts_the_address_in_any_case(auth, member):
    assert auth.login(member.email.upper()).status_code == 302


def test_wrong_password_gets_one_clear_message(auth, member):
    response = auth.login(member.email, "not the right password")
    assert response.status_code == 200
    assert "e-mail address or password is not right" in response.get_data(as_text=True)


def test_unknown_address_gets_the_same_message(auth):
    response = auth.login("nobody@example.org")
    assert "e-mail address or password is not right" in response.get_data(as_text=True)


def test_suspended_member_cannot_log_in(auth, member_factory):
    suspended = member_factory(status="suspended")
    assert auth.login(suspended.email).status_code == 200


def test_session_cookie_changes_at_login(client, auth, member):
    client.get("/login")
    client.get("/join")
    before = session_cookie(client)
    auth.login(member.email)
    assert session_cookie(client) not in (None, before)


def test_copied_cookie_is_useless_after_logout(app, client, auth, member):
    auth.login(member.email)
    stolen = session_cookie(client)
    assert replay(app, stolen).get("/account").status_code == 200
    client.post("/logout")
    assert client.get("/account").status_code == 302
    assert replay(app, stolen).get("/account").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, auth, member):
    auth.login(member.email)
    other_device = replay(app, session_cookie(client))
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a brand new passphrase", "confirm_password": "a brand new passphrase"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302


def test_password_change_needs_the_current_password(client, auth, member):
    auth.login(member.email)
    response = client.post("/account/password", data={
        "current_password": "wrong one", "password": "a brand new passphrase", "confirm_password": "a brand new passphrase"})
    assert "current password is not right" in response.get_data(as_text=True)


def test_idle_session_expires(app, client, auth, member):
    auth.login(member.email)
    with client.session_transaction() as session:
        session["_seen"] -= int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds()) + 5
    assert client.get("/account").status_code == 302


def test_session_expires_after_its_absolute_lifetime(app, client, auth, member):
    auth.login(member.email)
    with client.session_transaction() as session:
        session["_started"] -= int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()) + 5
        session["_seen"] = session["_started"] + 10**9  # recently active all along
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize("target", [
    "https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)",
    "http://localhost.evil.example/", "\\\\evil.example", " //evil.example", "/\\tevil.example",
])
def test_next_never_leaves_the_site(auth, member, target):
    response = auth.login(member.email, next=target)
    assert response.headers["Location"] == "/account"


def test_next_on_the_site_is_followed(auth, member):
    response = auth.login(member.email, next="/impact?x=1")
    assert response.headers["Location"] == "/impact?x=1"


def test_pages_for_members_send_anonymous_visitors_to_login_and_back(client):
    response = client.get("/account/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account/profile"


def test_logout_is_a_post(client, auth, member):
    auth.login(member.email)
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_the_session_cookie_is_sent_again_only_when_the_session_changes(app, client, auth, member):
    auth.login(member.email)
    client.get("/account")   # the first page after login also stores the form (CSRF) secret
    assert "Set-Cookie" not in client.get("/account").headers
    with client.session_transaction() as session:
        session["_seen"] -= 120   # last seen two minutes ago: the idle clock moves on
    assert "leap_session=" in client.get("/account").headers["Set-Cookie"]
    assert "Set-Cookie" not in client.get("/account").headers


def test_a_secret_key_rotation_keeps_sessions_while_the_old_key_is_a_fallback(app, client, auth, member):
    auth.login(member.email)
    assert client.get("/account").status_code == 200
    app.config["SECRET_KEY_FALLBACKS"] = [app.secret_key]
    app.secret_key = "rotated-secret-key-" + "r" * 40
    assert client.get("/account").status_code == 200   # the cookie, signed with the old key, still holds
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/account").status_code == 302   # the old key retired: back to the login page


def test_a_cookie_opened_before_is_opened_afresh_for_each_request(app, client, auth, member):
    """A worker keeps what a cookie holds once it has checked it; a request that changes its
    session changes its own copy, not what the same cookie gives the next request."""
    app.add_url_rule("/probe/mark", "mark", lambda: session.setdefault("mark", "set by this request"))
    app.add_url_rule("/probe/read", "read", lambda: session.get("mark", "unmarked"))
    auth.login(member.email)
    before = session_cookie(client)
    assert client.get("/probe/read").get_data(as_text=True) == "unmarked"   # opened and kept
    assert client.get("/probe/mark").get_data(as_text=True) == "set by this request"
    assert replay(app, before).get("/probe/read").get_data(as_text=True) == "unmarked"


def test_a_kept_cookie_past_its_lifetime_is_refused(app, client, auth, member, monkeypatch):
    def who():
        get_flashed_messages()   # the welcome: a session with a message waiting is never kept
        return "in" if current_user.is_authenticated else "out"

    app.add_url_rule("/probe/who", "who", who)
    auth.login(member.email)
    client.get("/probe/who")
    cookie = session_cookie(client)
    assert client.get("/probe/who").get_data(as_text=True) == "in"   # the cookie is checked, and kept
    assert session_cookie(client) == cookie
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(time, "time", lambda: later)     # the cookie's own signed time, not the session's
    assert client.get("/probe/who").get_data(as_text=True) == "out"
