"""Petitions: sign once, an optional comment, a goal with progress and a count of confirmed members."""
import re
from datetime import timedelta

import pytest

from leap_members.advocacy.models import ActionKind, ActionSignup, ActionStatus, SignupStatus
from leap_members.core.timeutil import utcnow
from tests.support.smtp import body_of


@pytest.fixture
def petition(make_action):
    return make_action(ActionKind.PETITION, slug="treat-addiction", goal=4, title="Treat addiction as health")


def _count(html: str) -> int:
    return int(re.search(r'<span id="signature-count">(\d+)</span>', html).group(1))


def test_signing_records_one_signature_and_the_count_rises(client, auth, member, petition, signups):
    auth.login(member.email)
    assert _count(client.get("/actions/treat-addiction").get_data(as_text=True)) == 0
    response = client.post("/actions/treat-addiction/sign-up", data={"comment": "I saw it on the job."},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "your signature is counted" in html
    assert _count(html) == 1
    assert "You signed this petition" in html
    assert '<progress class="goal-progress" max="4" value="1" aria-label="25% of the goal">' in html
    rows = signups(petition.id)
    assert [(r.member_id, r.status, r.comment) for r in rows] == [(member.id, "signed", "I saw it on the job.")]


def test_signing_twice_keeps_one_signature_and_says_so(client, auth, member, petition, signups):
    auth.login(member.email)
    client.post("/actions/treat-addiction/sign-up", data={})
    second = client.post("/actions/treat-addiction/sign-up", data={}, follow_redirects=True)
    assert "You have already signed this petition." in second.get_data(as_text=True)
    assert len(signups(petition.id)) == 1


def test_the_count_shows_only_members_with_a_confirmed_email(client, auth, member, member_factory, petition, db):
    unconfirmed = member_factory(confirmed=False)
    db.session.add(ActionSignup(action_id=petition.id, member_id=unconfirmed.id, status=SignupStatus.SIGNED))
    db.session.commit()
    auth.login(member.email)
    client.post("/actions/treat-addiction/sign-up", data={})
    assert _count(client.get("/actions/treat-addiction").get_data(as_text=True)) == 1
    assert "1 of 4 signatures" in client.get("/actions").get_data(as_text=True)


def test_signer_gets_a_confirmation_email(client, auth, member, petition, deliver):
    auth.login(member.email)
    client.post("/actions/treat-addiction/sign-up", data={})
    message = deliver().last_to(member.email)
    assert message["Subject"] == "You signed: Treat addiction as health"
    assert "http://localhost/actions/treat-addiction" in body_of(message)


def test_comments_appear_with_first_name_and_state_only(client, auth, member_factory, petition):
    signer = member_factory(first_name="Rosa", last_name="Secret-Surname", state="OR")
    auth.login(signer.email)
    client.post("/actions/treat-addiction/sign-up", data={"comment": "Treatment works."})
    html = client.get("/actions/treat-addiction").get_data(as_text=True)
    assert "Rosa, OR" in html and "Treatment works." in html
    assert "Secret-Surname" not in html.split("Why members signed")[1]


def test_a_closed_petition_takes_no_signature(client, auth, member, make_action, signups):
    action = make_action(status=ActionStatus.CLOSED, slug="closed-petition")
    auth.login(member.email)
    page = client.get("/actions/closed-petition").get_data(as_text=True)
    assert "no longer takes signatures" in page and 'name="comment"' not in page
    response = client.post("/actions/closed-petition/sign-up", data={})
    assert response.status_code == 409
    assert "closed and no longer takes sign-ups" in response.get_data(as_text=True)
    assert signups(action.id) == []


def test_a_petition_past_its_closing_time_takes_no_signature(client, auth, member, make_action, signups):
    action = make_action(slug="expired", closes_at=utcnow() - timedelta(minutes=1))
    auth.login(member.email)
    assert client.post("/actions/expired/sign-up", data={}).status_code == 409
    assert signups(action.id) == []


def test_an_overlong_comment_is_refused_beside_the_field(client, auth, member, petition, signups):
    auth.login(member.email)
    response = client.post("/actions/treat-addiction/sign-up", data={"comment": "x" * 1001})
    assert response.status_code == 400
    assert "Keep your comment to 1,000 characters or fewer (it has 1,001)." in response.get_data(as_text=True)
    assert signups(petition.id) == []


def test_a_comment_with_control_characters_is_refused(client, auth, member, petition, signups):
    auth.login(member.email)
    response = client.post("/actions/treat-addiction/sign-up", data={"comment": "bad\x00byte"})
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)
    assert signups(petition.id) == []


def test_petitions_cannot_be_withdrawn(client, auth, member, petition, signups):
    auth.login(member.email)
    client.post("/actions/treat-addiction/sign-up", data={})
    response = client.post("/actions/treat-addiction/withdraw")
    assert response.status_code == 400
    assert [s.status for s in signups(petition.id)] == ["signed"]
