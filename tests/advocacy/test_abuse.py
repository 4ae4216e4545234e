"""Abuse resistance: CSRF, rate limits, the honeypot, and nothing typed can become markup."""
import re

import pytest

from leap_members.advocacy.models import ActionKind, ActionSignup
from leap_members.extensions import db as _db
from tests.advocacy.factories import build_action
from tests.support.factories import PASSWORD, make_member

SCRIPT = "<script>alert('x')</script>"


def test_a_sign_up_without_the_csrf_token_is_refused(app_factory, signups):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        member = make_member()
        action = build_action(slug="guarded")
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": member.email, "password": PASSWORD, "csrf_token": token})
        response = client.post("/actions/guarded/sign-up", data={})
        assert response.status_code == 400 and "Form expired" in response.get_data(as_text=True)
        assert _db.session.query(ActionSignup).filter_by(action_id=action.id).count() == 0
        form = client.get("/actions/guarded").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        assert client.post("/actions/guarded/sign-up", data={"csrf_token": token}).status_code == 303


def test_sign_ups_are_rate_limited(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_ACTION_SIGNUP="2 per minute")
    with app.app_context():
        member = make_member()
        build_action(slug="limited")
        client = app.test_client()
        client.post("/login", data={"email": member.email, "password": PASSWORD})
        codes = [client.post("/actions/limited/sign-up", data={}).status_code for _ in range(3)]
        assert codes == [303, 303, 429]  # signed, "already signed", then limited
        assert client.get("/actions/limited").status_code == 200  # reading is never limited


def test_a_filled_honeypot_is_refused_and_writes_nothing(client, auth, member, make_action, signups):
    action = make_action(slug="bait")
    auth.login(member.email)
    response = client.post("/actions/bait/sign-up", data={"website": "http://spam.example"})
    assert response.status_code == 400
    assert "This form could not be accepted." in response.get_data(as_text=True)
    assert signups(action.id) == []


def test_the_honeypot_is_present_and_hidden_on_sign_up_forms(client, auth, member, make_action):
    make_action(slug="with-bait")
    auth.login(member.email)
    html = client.get("/actions/with-bait").get_data(as_text=True)
    assert '<div class="hp" aria-hidden="true">' in html and 'name="website"' in html


@pytest.fixture
def poisoned(make_action, member_factory, db):
    """Actions and sign-ups where every text field carries a script."""
    evil = member_factory(first_name=SCRIPT, last_name=SCRIPT, city=SCRIPT)
    actions = {
        ActionKind.PETITION: make_action(ActionKind.PETITION, slug="p", title=SCRIPT, summary=SCRIPT, description=SCRIPT),
        ActionKind.LETTER: make_action(ActionKind.LETTER, slug="l", title=SCRIPT, letter_template=SCRIPT,
                                       letter_subject=SCRIPT,
                                       targets=[dict(name=SCRIPT, title=SCRIPT, office=SCRIPT)]),
        ActionKind.EVENT: make_action(ActionKind.EVENT, slug="e", title=SCRIPT, location=SCRIPT, online=False,
                                      private_details=SCRIPT),
        ActionKind.SPEAKING: make_action(ActionKind.SPEAKING, slug="s", title=SCRIPT),
    }
    db.session.add_all([
        ActionSignup(action_id=actions["petition"].id, member_id=evil.id, status="signed", comment=SCRIPT),
        ActionSignup(action_id=actions["letter"].id, member_id=evil.id, status="sent", letter_subject=SCRIPT,
                     letter_body=SCRIPT, signature=SCRIPT),
        ActionSignup(action_id=actions["event"].id, member_id=evil.id, status="registered", comment=SCRIPT),
        ActionSignup(action_id=actions["speaking"].id, member_id=evil.id, status="accepted", availability=SCRIPT,
                     topics=SCRIPT, staff_note=SCRIPT),
    ])
    db.session.commit()
    return evil, actions


def _assert_escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html


@pytest.mark.parametrize("path", ["/actions/p", "/actions/l", "/actions/e", "/actions/s", "/actions", "/account/actions"])
def test_member_pages_show_typed_scripts_as_text(client, auth, poisoned, path):
    evil, _ = poisoned
    auth.login(evil.email)
    _assert_escaped(client.get(path).get_data(as_text=True))


@pytest.mark.parametrize("kind", ["petition", "letter", "event", "speaking"])
def test_staff_pages_show_typed_scripts_as_text(client, auth, staff, poisoned, kind):
    _, actions = poisoned
    auth.login(staff.email)
    action = actions[kind]
    for path in (f"/staff/actions/{action.id}", f"/staff/actions/{action.id}/edit",
                 f"/staff/actions/{action.id}/preview", "/staff/actions"):
        _assert_escaped(client.get(path).get_data(as_text=True))


def test_visitor_summary_shows_typed_scripts_as_text(client, poisoned):
    _assert_escaped(client.get("/actions/p").get_data(as_text=True))


def test_a_letter_with_markup_is_stored_as_typed_and_shown_as_text(client, auth, member, make_action, signups):
    action = make_action(ActionKind.LETTER, slug="markup-letter")
    auth.login(member.email)
    body = f"Dear official, {SCRIPT} <img src=x onerror=alert(1)> please act."
    client.post("/actions/markup-letter/sign-up", data={"letter_subject": "Hello", "letter_body": body})
    assert signups(action.id)[0].letter_body == body
    html = client.get("/actions/markup-letter").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
