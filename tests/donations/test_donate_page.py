"""The donate page: choices, validation, and the Checkout Session it asks Stripe for."""
import pytest
from sqlalchemy import func, select

from leap_members.donations.models import Donation
from leap_members.extensions import db
from tests.support.smtp import free_port

from .conftest import stripe_config


def donate_form(**overrides) -> dict:
    form = {"amount_choice": "5000", "custom_amount": "", "frequency": "one_time", "fund": "",
            "first_name": "Robin", "last_name": "Giver", "email": "robin@example.net", "tribute_type": "",
            "tribute_name": "", "tribute_notify_email": "", "nonce": "n-1"}
    form.update(overrides)
    return form


def gift_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Donation))


def test_donate_page_says_online_giving_is_not_configured_without_stripe_keys(app_factory):
    application = app_factory()
    client = application.test_client()
    page = client.get("/donate")
    assert page.status_code == 200
    assert b"Online giving is not configured yet" in page.data
    response = client.post("/donate", data=donate_form())
    assert response.status_code == 200
    assert b"Online giving is not configured yet" in response.data
    with application.app_context():
        assert gift_count() == 0


def test_donate_page_is_prefilled_for_a_logged_in_member(client, auth, member):
    auth.login(member.email)
    page = client.get("/donate").get_data(as_text=True)
    assert f'value="{member.email}"' in page
    assert 'value="Pat"' in page
    assert "Give every month" in page and "In memory of someone" in page


def test_an_amount_that_is_not_among_the_choices_is_refused_beside_the_field(client, fake_stripe):
    response = client.post("/donate", data=donate_form(amount_choice="abc"))
    assert response.status_code == 400
    assert "Choose one of the amounts shown, or choose Other." in response.get_data(as_text=True)
    assert gift_count() == 0 and fake_stripe.requests == []


@pytest.mark.parametrize("typed, message", [
    ("", "Enter the amount you would like to give."),
    ("twenty", "Enter the amount in dollars using digits only"),
    ("-5", "Enter the amount in dollars using digits only"),
    ("10.505", "at most two digits after the decimal point"),
    ("4.99", "The smallest gift we can accept online is $5.00."),
    ("25000.01", "Online gifts can be at most $25,000.00."),
])
def test_a_bad_custom_amount_is_refused_beside_the_field_and_nothing_is_recorded(client, fake_stripe, typed, message):
    response = client.post("/donate", data=donate_form(amount_choice="other", custom_amount=typed))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="custom_amount-error"' in page and message in page
    assert gift_count() == 0
    assert fake_stripe.requests == []


def test_amounts_with_a_dollar_sign_and_thousands_separator_are_understood(client, fake_stripe):
    response = client.post("/donate", data=donate_form(amount_choice="other", custom_amount="$1,250.50"))
    assert response.status_code == 303
    assert fake_stripe.calls("/v1/checkout/sessions")[0].form["line_items[0][price_data][unit_amount]"] == "125050"


def test_a_dedication_needs_the_name_of_the_person(client):
    response = client.post("/donate", data=donate_form(tribute_type="memory"))
    assert response.status_code == 400
    assert b"Enter the name of the person this gift honours or remembers." in response.data


def test_a_one_time_gift_creates_a_pending_gift_then_a_checkout_session_and_redirects_with_303(client, fake_stripe):
    response = client.post("/donate", data=donate_form(anonymous="y", tribute_type="honour",
                                                       tribute_name="Officer Jane Roe",
                                                       tribute_notify_email="Family@Example.net"))
    assert response.status_code == 303
    [call] = fake_stripe.calls("/v1/checkout/sessions")
    assert response.headers["Location"] == f"{fake_stripe.url}/pay/cs_test_1"
    gift = db.session.scalar(select(Donation))
    assert gift.status == "pending" and gift.stripe_checkout_session_id == "cs_test_1"
    assert (gift.amount_cents, gift.fee_cents, gift.total_cents) == (5000, 0, 5000)
    assert gift.anonymous and gift.tribute_label == "In honour of Officer Jane Roe"
    assert gift.tribute_notify_email == "family@example.net"
    assert call.method == "POST"
    assert call.headers["Authorization"] == "Bearer sk_test_leap_donations"
    assert call.headers["Idempotency-Key"] == f"leap-checkout-{gift.public_token}"
    assert call.form == {
        "mode": "payment",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "5000",
        "line_items[0][price_data][product_data][name]": "Gift to Law Enforcement Action Partnership — Where it is needed most",
        "line_items[0][quantity]": "1",
        "success_url": f"http://localhost/donate/thank-you/{gift.public_token}",
        "cancel_url": f"http://localhost/donate/cancelled/{gift.public_token}",
        "client_reference_id": str(gift.id),
        "metadata[donation_id]": str(gift.id),
        "customer_email": "robin@example.net",
        "submit_type": "donate",
        "payment_intent_data[metadata][donation_id]": str(gift.id),
        "payment_intent_data[description]": "Gift to Law Enforcement Action Partnership — Where it is needed most",
        "customer_creation": "always",
    }


def test_a_monthly_gift_that_covers_the_fee_asks_for_a_subscription_with_the_fee_added(client, fake_stripe, fund):
    response = client.post("/donate", data=donate_form(frequency="monthly", amount_choice="other",
                                                       custom_amount="25", cover_fee="y", fund=str(fund.id)))
    assert response.status_code == 303
    [call] = fake_stripe.calls("/v1/checkout/sessions")
    gift = db.session.scalar(select(Donation))
    # 2.2% + $0.30 on top of $25.00, rounded up so LEAP receives the full $25.00.
    assert (gift.amount_cents, gift.fee_cents, gift.total_cents) == (2500, 87, 2587)
    assert gift.kind == "monthly" and gift.fund_id == fund.id
    assert call.form["mode"] == "subscription"
    assert call.form["line_items[0][price_data][unit_amount]"] == "2587"
    assert call.form["line_items[0][price_data][recurring][interval]"] == "month"
    assert call.form["line_items[0][price_data][product_data][name]"].endswith("Speakers bureau")
    assert call.form["subscription_data[metadata][donation_id]"] == str(gift.id)
    assert "customer_creation" not in call.form and "payment_intent_data[metadata][donation_id]" not in call.form


def test_a_double_clicked_button_makes_one_gift_and_one_checkout_session(client, fake_stripe):
    first = client.post("/donate", data=donate_form(nonce="same-page"))
    second = client.post("/donate", data=donate_form(nonce="same-page"))
    assert first.headers["Location"] == second.headers["Location"]
    assert gift_count() == 1
    assert len(fake_stripe.calls("/v1/checkout/sessions")) == 1


def test_changing_the_amount_after_going_back_starts_a_new_gift(client, fake_stripe):
    client.post("/donate", data=donate_form(nonce="same-page"))
    client.post("/donate", data=donate_form(nonce="same-page", amount_choice="10000"))
    assert gift_count() == 2
    amounts = [call.form["line_items[0][price_data][unit_amount]"] for call in fake_stripe.calls("/v1/checkout/sessions")]
    assert amounts == ["5000", "10000"]


def test_when_stripe_is_unreachable_the_donor_sees_a_clear_message_and_nothing_is_paid(app_factory):
    closed_port = f"http://127.0.0.1:{free_port()}"   # nothing listens there
    application = app_factory(**stripe_config(closed_port))
    client = application.test_client()
    response = client.post("/donate", data=donate_form())
    assert response.status_code == 503
    assert b"We could not reach our payment processor. Nothing was charged." in response.data
    with application.app_context():
        gift = db.session.scalar(select(Donation))
        assert gift.status == "failed" and gift.paid_at is None and gift.receipt_number is None


def test_when_stripe_refuses_the_api_key_the_donor_sees_a_clear_message(client, fake_stripe):
    fake_stripe.failure = (401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}})
    response = client.post("/donate", data=donate_form())
    assert response.status_code == 503
    assert b"Online giving is not working right now" in response.data
    assert db.session.scalar(select(Donation)).status == "failed"


def test_a_fund_staff_switched_off_is_not_offered_and_cannot_be_chosen(client, fund):
    fund.active = False
    db.session.commit()
    assert b"Speakers bureau" not in client.get("/donate").data
    response = client.post("/donate", data=donate_form(fund=str(fund.id)))
    assert response.status_code == 400
    assert gift_count() == 0
