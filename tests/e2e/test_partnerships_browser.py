"""A staff member records a partner and a signed agreement in the browser, then prints it."""
from datetime import timedelta

from playwright.sync_api import expect

from leap_members.extensions import db
from leap_members.partnerships.clock import local_today
from tests.support.factories import PASSWORD, make_member


def log_in_as_staff(page, live_app):
    with live_app.app_context():
        make_member(role="staff", email="coordinator@leap.example", first_name="Cara")
        db.session.remove()
    page.goto("/login")
    page.get_by_label("E-mail address").fill("coordinator@leap.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account")


def test_staff_record_an_agreement_and_print_its_document(page, live_app):
    errors, failures = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: failures.append((response.status, response.url))
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    log_in_as_staff(page, live_app)
    with live_app.app_context():
        signed = local_today() - timedelta(days=7)

    page.goto("/staff/partnerships/partners/new")
    page.get_by_label("Organisation name").fill("Tucson Police Department")
    page.get_by_label("Law-enforcement agency").check()
    page.get_by_label("Street address").fill("270 S Stone Ave")
    page.get_by_label("City").fill("Tucson")
    page.get_by_label("State").select_option("AZ")
    page.get_by_label("ZIP code").fill("85701")
    page.get_by_role("button", name="Save partner").click()
    page.get_by_role("link", name="Record an agreement with Tucson Police Department").click()

    # First try with no governing state: refused, and the message sits beside the field.
    page.get_by_label("Signing date").fill(signed.isoformat())
    for label, value in (("Name of Party A's signatory", "Diane Goldstein"),
                         ("Title of Party A's signatory", "Executive Director"),
                         ("Name of Party B's signatory", "Chad Kasmar"),
                         ("Title of Party B's signatory", "Chief of Police")):
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Save agreement").click()
    assert page.locator("#governing_state-error").inner_text() == (
        "A signed agreement must name the state whose law governs it.")

    page.get_by_label("Governing law: the law of").select_option("AZ")
    page.get_by_role("button", name="Save agreement").click()
    page.wait_for_url("**/staff/partnerships/1")
    assert page.get_by_text("In force. The term ends on").is_visible()

    page.get_by_role("link", name="View and print the document").click()
    document = page.locator("article.pa-document")
    assert "the laws of the State of Arizona" in document.inner_text()
    assert "Tucson Police Department, a law-enforcement agency, of 270 S Stone Ave, Tucson, AZ 85701" in document.inner_text()
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # the script ran under the strict CSP
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert document.is_visible()
    # Only the refused form answered with an error (400, on purpose); no script or style was blocked.
    assert [status for status, _ in failures] == [400]
    assert [e for e in errors if "Failed to load resource" not in e] == []
