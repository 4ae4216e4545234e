"""In Chromium: the donate form goes to Checkout with the right session; the signed completion
event then shows the gift on the success page and in the receipt e-mail."""
import json
import re
import urllib.request

import pytest
import stripe
from sqlalchemy import select

from leap_members.donations.events import apply_queued
from leap_members.donations.models import Donation
from leap_members.extensions import db as _db
from leap_members.mail.sender import send_pending
from leap_members.public.services import seed_default_timeline
from tests.donations.conftest import stripe_config
from tests.donations.events import WEBHOOK_SECRET, checkout_session, event
from tests.donations.fake_stripe import FakeStripe
from tests.e2e.conftest import LiveServer
from tests.support.smtp import body_of

pytestmark = pytest.mark.e2e


@pytest.fixture
def checkout_stub():
    """Stands in for api.stripe.com and for the Checkout page the donor is sent to."""
    stub = FakeStripe().start()
    yield stub
    stub.stop()


@pytest.fixture
def donations_server(app_factory, checkout_stub):
    application = app_factory(WTF_CSRF_ENABLED=True, SERVER_NAME=None,
                              # The browser enforces form-action on the redirect after the POST.
                              CSP_FORM_ACTION_EXTRA=checkout_stub.url, **stripe_config(checkout_stub.url))
    with application.app_context():
        seed_default_timeline()
        _db.session.commit()
    server = LiveServer(application)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def donor_page(browser, donations_server):
    context = browser.new_context(base_url=donations_server.url, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def post_signed(url: str, payload: dict) -> int:
    body = json.dumps(payload)
    request = urllib.request.Request(url + "/stripe/webhook", data=body.encode(), method="POST", headers={
        "Content-Type": "application/json",
        "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_a_donor_gives_through_checkout_and_sees_the_gift_confirmed(donor_page, donations_server, checkout_stub,
                                                                   inbox):
    page = donor_page
    page.goto("/donate")
    page.get_by_label("$100").check()
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Giver")
    page.get_by_label("E-mail address (for your receipt)").fill("robin@example.net")
    page.get_by_role("button", name="Continue to secure payment").click()

    page.wait_for_url(re.compile(re.escape(checkout_stub.url) + r"/pay/cs_test_\d+"))
    assert page.get_by_role("heading", name="Stripe Checkout stub").is_visible()
    [call] = checkout_stub.calls("/v1/checkout/sessions")
    assert call.form["mode"] == "payment" and call.form["line_items[0][price_data][unit_amount]"] == "10000"
    assert call.form["customer_email"] == "robin@example.net"

    app = donations_server.app
    with app.app_context():
        gift = _db.session.scalar(select(Donation))
        assert page.url.endswith(gift.stripe_checkout_session_id)
        assert call.form["success_url"] == f"{donations_server.url}/donate/thank-you/{gift.public_token}"
        assert call.form["metadata[donation_id]"] == str(gift.id)
        completion = event("checkout.session.completed", checkout_session(gift, payment_intent="pi_browser"))
        token = gift.public_token
        _db.session.rollback()

    page.goto(f"/donate/thank-you/{token}")
    assert page.get_by_role("heading", name="Confirming your gift…").is_visible()

    assert post_signed(donations_server.url, completion) == 200
    page.goto(f"/donate/thank-you/{token}")
    assert page.get_by_role("heading", name="Confirming your gift…").is_visible()   # stored, not applied yet
    with app.app_context():   # the event worker's next poll
        apply_queued()
    # The page refreshes itself every four seconds while it waits.
    page.get_by_role("heading", name="Thank you, Robin!").wait_for()
    assert "$100.00" in page.locator("main").inner_text()

    with app.app_context():
        send_pending()
        receipt_number = _db.session.scalar(select(Donation.receipt_number))
    body = body_of(inbox.last_to("robin@example.net"))
    assert receipt_number and receipt_number in body and "$100.00" in body
    assert receipt_number in page.locator("main").inner_text()


def test_the_donate_page_fits_a_phone_and_shows_the_other_amount_box_and_fee_note_when_chosen(donor_page):
    page = donor_page
    page.goto("/donate")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    other_box = page.get_by_label("Other amount (US dollars)")
    assert not other_box.is_visible()
    page.get_by_label("Other", exact=True).check()
    assert other_box.is_visible()
    other_box.fill("40")
    page.get_by_label("Add the card processing fee so that LEAP receives my full gift").check()
    assert "Your card will be charged $41.21" in page.locator("[data-fee-note]").inner_text()
