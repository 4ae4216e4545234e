"""The gate: members only, a public summary for visitors, restrictions with reasons."""
import pytest

from leap_members.advocacy.models import ActionKind, ActionSignup, ActionStatus
from leap_members.members.models import MembershipStatus, Verification

MEMBER_PAGES = ["/actions", "/account/actions", "/actions/{slug}/calendar.ics"]
STAFF_PAGES = ["/staff/actions", "/staff/actions/new", "/staff/actions/{id}", "/staff/actions/{id}/edit",
               "/staff/actions/{id}/preview", "/staff/actions/{id}/signups.csv"]
STAFF_POSTS = ["/staff/actions/{id}/publish", "/staff/actions/{id}/close", "/staff/actions/{id}/archive"]


@pytest.fixture
def event(make_action):
    return make_action(ActionKind.EVENT, slug="town-hall")


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_visitor_is_sent_to_login_from_member_pages(client, event, path):
    response = client.get(path.format(slug=event.slug))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", MEMBER_PAGES + ["/actions/{slug}"])
def test_member_with_unconfirmed_email_is_asked_to_confirm_first(client, auth, member_factory, event, path):
    member = member_factory(confirmed=False)
    auth.login(member.email)
    response = client.get(path.format(slug=event.slug))
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert "confirm your e-mail" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("path", MEMBER_PAGES + ["/actions/{slug}"])
def test_lapsed_member_cannot_enter_the_action_centre(client, auth, member_factory, event, path):
    member = member_factory(status=MembershipStatus.LAPSED)
    auth.login(member.email)
    response = client.get(path.format(slug=event.slug))
    assert response.status_code == 403
    assert "membership is not active" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_refuse_members_and_send_visitors_to_login(client, auth, member, event, path):
    url = path.format(id=event.id)
    assert client.get(url).headers["Location"].startswith("/login")
    auth.login(member.email)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("path", STAFF_POSTS)
def test_members_cannot_change_an_actions_status(client, auth, member, event, db, path):
    auth.login(member.email)
    assert client.post(path.format(id=event.id)).status_code == 403
    db.session.refresh(event)
    assert event.status == ActionStatus.PUBLISHED


def test_visitor_following_an_action_link_sees_only_title_summary_and_login(client, event):
    response = client.get("/actions/town-hall")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert event.title in html and event.summary in html
    assert "Log in or join to take part" in html
    assert 'href="/login?next=/actions/town-hall"' in html
    assert event.description not in html and "secret-room" not in html


def test_visitor_logs_in_from_the_action_link_and_lands_on_the_action(client, member, event):
    response = client.post("/login?next=/actions/town-hall",
                           data={"email": member.email, "password": "a long test password 42",
                                 "next": "/actions/town-hall"})
    assert response.headers["Location"] == "/actions/town-hall"
    page = client.get("/actions/town-hall").get_data(as_text=True)
    assert event.description in page


def test_login_ignores_a_next_address_on_another_site(client, member, event):
    response = client.post("/login", data={"email": member.email, "password": "a long test password 42",
                                           "next": "https://evil.example/actions/town-hall"})
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize("path", ["/actions/town-hall/sign-up", "/actions/town-hall/withdraw"])
def test_anonymous_post_to_a_sign_up_url_goes_to_login_and_writes_nothing(client, event, signups, path):
    response = client.post(path, data={"comment": "hi"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert signups(event.id) == []


def test_after_login_the_sign_up_address_leads_to_the_action(client, auth, member, event):
    auth.login(member.email)
    response = client.get("/actions/town-hall/sign-up")
    assert response.headers["Location"].endswith("/actions/town-hall")


@pytest.mark.parametrize("status", [ActionStatus.DRAFT, ActionStatus.ARCHIVED])
def test_drafts_and_archived_actions_are_not_found_by_visitors_or_members(client, auth, member, make_action, status):
    action = make_action(status=status, slug="hidden-one")
    assert client.get("/actions/hidden-one").status_code == 404
    auth.login(member.email)
    assert client.get("/actions/hidden-one").status_code == 404
    assert client.get(f"/actions/{action.id}").status_code == 404  # the number does not reveal the address
    assert client.post("/actions/hidden-one/sign-up").status_code == 404


def test_unknown_action_is_not_found(client, auth, member):
    auth.login(member.email)
    assert client.get("/actions/no-such-action").status_code == 404
    assert client.post("/actions/no-such-action/sign-up").status_code == 404


def test_an_action_number_redirects_to_its_named_address(client, auth, member, event):
    auth.login(member.email)
    response = client.get(f"/actions/{event.id}")
    assert response.headers["Location"].endswith("/actions/town-hall")


@pytest.fixture
def testify(make_action):
    return make_action(ActionKind.SPEAKING, slug="testify", allowed_categories="le_current,le_former",
                       verified_only=True, title="Testify at the hearing")


def _offer(client):
    return client.post("/actions/testify/sign-up", data={"availability": "Any Tuesday", "topics": "Sentencing"})


def test_citizen_sees_why_a_law_enforcement_action_is_closed_to_them(client, auth, member_factory, testify, signups):
    citizen = member_factory(category="citizen")
    auth.login(citizen.email)
    page = client.get("/actions/testify").get_data(as_text=True)
    assert "Open to verified law enforcement — current or law enforcement — former members only." in page
    assert "Your profile says you are: Concerned citizen" in page
    assert 'name="availability"' not in page
    response = _offer(client)
    assert response.status_code == 403
    assert "open only to members in these categories" in response.get_data(as_text=True)
    assert signups(testify.id) == []


def test_unverified_officer_is_told_verification_is_pending(client, auth, member_factory, testify, signups):
    officer = member_factory(category="le_current", verification=Verification.PENDING)
    auth.login(officer.email)
    assert "still waiting for staff review" in client.get("/actions/testify").get_data(as_text=True)
    assert _offer(client).status_code == 403
    assert signups(testify.id) == []


def test_verified_former_officer_may_take_part(client, auth, member_factory, testify, signups):
    officer = member_factory(category="le_former", verification=Verification.VERIFIED)
    auth.login(officer.email)
    assert 'name="availability"' in client.get("/actions/testify").get_data(as_text=True)
    assert _offer(client).status_code == 303
    assert [s.status for s in signups(testify.id)] == ["offered"]


def test_restricted_action_is_listed_for_all_members_with_its_restriction(client, auth, member, testify):
    auth.login(member.email)
    html = client.get("/actions/testify").get_data(as_text=True)
    assert testify.title in html and testify.description in html


def test_visitor_sees_a_closed_action_summary_but_it_says_closed(client, make_action):
    make_action(status=ActionStatus.CLOSED, slug="done")
    html = client.get("/actions/done").get_data(as_text=True)
    assert "This action is closed." in html


def test_member_who_took_part_can_still_open_an_archived_action(client, auth, member, make_action, db):
    action = make_action(slug="old-petition")
    db.session.add(ActionSignup(action_id=action.id, member_id=member.id, status="signed"))
    action.status = ActionStatus.ARCHIVED
    db.session.commit()
    auth.login(member.email)
    assert client.get("/actions/old-petition").status_code == 200
