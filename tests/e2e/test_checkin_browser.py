"""Check-in at the door on a phone (390 x 844): staff check in two registered people and a newcomer, then
open the sign-in sheet as it prints."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from leap_members.advocacy.models import ActionKind, ActionSignup, EventGuest
from leap_members.extensions import db
from tests.advocacy.factories import build_action
from tests.support.factories import PASSWORD, make_member

pytestmark = pytest.mark.e2e


@pytest.fixture
def door(live_app):
    with live_app.app_context():
        event = build_action(ActionKind.EVENT, slug="town-hall", title="Town hall on crisis teams", online=False,
                             location="Dayton Public Library")
        for first, last in (("Ana", "Reyes"), ("Ben", "Abbott"), ("Cy", "Zimmer")):
            person = make_member(first_name=first, last_name=last, email=f"{first.lower()}@example.org")
            db.session.add(ActionSignup(action_id=event.id, member_id=person.id, status="registered"))
        db.session.commit()
        return make_member(role="staff", email="door.staff@example.org").email, event.id


def _fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px screen"
    small = page.evaluate("""() => [...document.querySelectorAll('.checkin button, .checkin input:not([type=hidden])')]
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
        .map(e => e.outerHTML.slice(0, 80))""")
    assert small == [], f"tap targets under 44px high: {small}"


def test_staff_check_in_two_registered_people_and_a_newcomer_on_a_phone(page, live_app, door):
    staff_email, event_id = door
    page.goto("/login")
    page.get_by_label("E-mail address").fill(staff_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account")
    page.goto("/actions/town-hall/check-in")
    expect(page.get_by_role("heading", name="Check in: Town hall on crisis teams")).to_be_visible()
    _fits_the_phone(page)

    page.get_by_role("button", name="Present: Ana Reyes").click()
    expect(page.locator("#count-present")).to_have_text("1")
    assert page.url.endswith("#" + page.locator("li", has_text="Ana Reyes").get_attribute("id"))

    page.get_by_label("Find on the list").fill("abb")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("Cy Zimmer")).to_have_count(0)
    page.get_by_role("button", name="Present: Ben Abbott").click()
    expect(page.locator("#count-present")).to_have_text("2")
    assert "q=abb" in page.url   # back to the list as it was

    page.goto("/actions/town-hall/check-in")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Newcomer")
    page.get_by_label("E-mail address", exact=True).fill("nia.new@example.net")
    page.get_by_role("button", name="Check in and invite to join").click()
    expect(page.get_by_text("Nia Newcomer is checked in as a guest.")).to_be_visible()
    expect(page.locator("#count-present")).to_have_text("3")
    expect(page.locator("#count-walk-ins")).to_have_text("1")
    expect(page.locator("#count-not-yet")).to_have_text("1")
    _fits_the_phone(page)

    page.get_by_role("link", name="Sign-in sheet to print").click()
    expect(page.get_by_role("cell", name="Abbott, Ben")).to_be_visible()
    page.emulate_media(media="print")   # on paper: the sheet alone, without the site's header and links
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_text("Print this page from your browser's menu")).to_be_hidden()
    expect(page.get_by_role("heading", name="Town hall on crisis teams")).to_be_visible()

    with live_app.app_context():
        marks = dict(db.session.execute(select(ActionSignup.id, ActionSignup.attendance)
                                        .where(ActionSignup.action_id == event_id)).all())
        guests = db.session.scalars(select(EventGuest.email)).all()
        db.session.remove()
    assert sorted(marks.values(), key=str) == [None, "present", "present"]
    assert guests == ["nia.new@example.net"]
