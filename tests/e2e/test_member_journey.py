"""A former officer joins, confirms by e-mail, logs in, edits the profile and logs out — in Chromium."""
import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from leap_members.mail.sender import send_pending
from tests.support.smtp import body_of

PASSWORD = "twenty one years on patrol"


def deliver_mail(live_app, inbox):
    with live_app.app_context():
        send_pending()
    return inbox


def fill_signup(page, **overrides):
    values = {
        "First name": "Dana", "Last name": "Holloway", "E-mail address": "dana@example.org",
        "City": "Long Beach", "ZIP code": "90802", "Last agency": "Long Beach Police Department",
        "Rank or role": "Lieutenant", "Years of service": "21",
    }
    values.update(overrides)
    page.get_by_label("Law enforcement — former").check()
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State").select_option("CA")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)


def test_former_officer_joins_confirms_logs_in_edits_profile_and_logs_out(page, live_app, inbox):
    page.goto("/")
    page.get_by_role("link", name="Join").first.click()
    fill_signup(page)
    page.get_by_label("Send me e-mail updates").check()
    page.get_by_role("button", name="Join LEAP").click()
    # Joining answers the same whether or not the address is known: it sends the visitor to the inbox.
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    expect(page.get_by_text("dana@example.org")).to_be_visible()

    # The confirmation mail arrives over SMTP; its link opens a page with a button.
    message = deliver_mail(live_app, inbox).last_to("dana@example.org")
    link = re.search(r"https?://\S+", body_of(message)).group(0)
    page.goto(urlsplit(link).path)
    page.get_by_role("button", name="Confirm my e-mail address").click()
    expect(page.get_by_text("your e-mail address is confirmed")).to_be_visible()

    # Then the login page, for the new account.
    assert urlsplit(page.url).path == "/login"
    page.get_by_label("E-mail address").fill("dana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Welcome back, Dana")).to_be_visible()
    expect(page.get_by_text("dana@example.org (confirmed)")).to_be_visible()
    expect(page.get_by_text("Waiting for staff review")).to_be_visible()

    # Edit the profile.
    page.get_by_role("link", name="Edit my profile").click()
    page.get_by_label("City").fill("Signal Hill")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_text("Your profile is saved")).to_be_visible()
    expect(page.get_by_text("Signal Hill, CA 90802")).to_be_visible()

    # Log out: the account page is no longer reachable.
    page.get_by_role("button", name="Log out").click()
    page.goto("/account")
    assert "/login" in page.url


def test_signup_mistakes_are_shown_beside_the_fields_and_typing_is_kept(page):
    page.goto("/join")
    fill_signup(page, **{"ZIP code": "9080", "E-mail address": "not-an-address"})
    page.get_by_role("button", name="Join LEAP").click()
    expect(page.locator("#zip_code-error")).to_be_visible()
    expect(page.locator("#email-error")).to_be_visible()
    assert page.get_by_label("City").input_value() == "Long Beach"
    assert page.get_by_label("Last agency").input_value() == "Long Beach Police Department"
    assert page.get_by_label("Password", exact=True).input_value() == ""


def test_citizen_does_not_see_professional_fields(page):
    page.goto("/join")
    page.get_by_label("Concerned citizen").check()
    expect(page.get_by_label("Years of service")).to_be_hidden()
    page.get_by_label("Law enforcement — current").check()
    expect(page.get_by_label("Agency", exact=True)).to_be_visible()


def test_wrong_password_is_explained_and_the_form_is_keyboard_usable(page):
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("E-mail address").fill("nobody@example.org")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_text("The e-mail address or password is not right.")).to_be_visible()
