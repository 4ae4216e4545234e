"""The action centre in Chromium: signing a petition, and arriving from a shared action link."""
import pytest
from playwright.sync_api import expect

from leap_members.advocacy.models import ActionKind, ActionSignup
from leap_members.extensions import db
from tests.advocacy.factories import build_action
from tests.support.factories import PASSWORD, make_member

pytestmark = pytest.mark.e2e


@pytest.fixture
def petition_with_one_signature(live_app):
    with live_app.app_context():
        action = build_action(ActionKind.PETITION, slug="treat-addiction", goal=10,
                              title="Treat addiction as a health issue")
        earlier = make_member(email="earlier@example.org")
        db.session.add(ActionSignup(action_id=action.id, member_id=earlier.id, status="signed"))
        db.session.commit()
        member = make_member(email="signer@example.org", first_name="Rosa", state="OR")
        return member.email


@pytest.fixture
def shared_event(live_app):
    with live_app.app_context():
        build_action(ActionKind.EVENT, slug="media-training", title="Training: talking to reporters",
                     summary="An online session on interviews.", description="Bring one question you dread.")
        return make_member(email="visitor@example.org").email


def _log_in(page, email):
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_member_logs_in_signs_a_petition_and_sees_the_count_rise(page, petition_with_one_signature):
    page.goto("/login")
    _log_in(page, petition_with_one_signature)
    page.wait_for_url("**/account")
    page.get_by_role("link", name="Take action").click()
    page.get_by_role("link", name="Treat addiction as a health issue").click()
    page.wait_for_url("**/actions/treat-addiction")
    expect(page.locator("#signature-count")).to_have_text("1")
    page.get_by_label("Why you sign (optional)").fill("Treatment works better than jail.")
    page.get_by_role("button", name="Sign the petition").click()
    page.wait_for_url("**/actions/treat-addiction")
    expect(page.locator("#signature-count")).to_have_text("2")
    expect(page.get_by_text("You signed this petition")).to_be_visible()
    expect(page.get_by_text("Rosa, OR")).to_be_visible()
    expect(page.get_by_role("button", name="Sign the petition")).to_have_count(0)


def test_visitor_follows_an_action_link_logs_in_and_lands_on_the_action(page, shared_event):
    page.goto("/actions/media-training")
    expect(page.get_by_role("heading", name="Training: talking to reporters")).to_be_visible()
    expect(page.get_by_text("An online session on interviews.")).to_be_visible()
    expect(page.get_by_text("Bring one question you dread.")).to_have_count(0)
    expect(page.get_by_role("heading", name="Log in or join to take part")).to_be_visible()
    page.get_by_role("link", name="Log in to take part").click()
    _log_in(page, shared_event)
    page.wait_for_url("**/actions/media-training")
    expect(page.get_by_text("Bring one question you dread.")).to_be_visible()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.", exact=True)).to_be_visible()
    expect(page.locator("#private-details")).to_contain_text("https://meet.example.org/secret-room")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px screen"
