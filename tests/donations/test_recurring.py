"""Monthly gifts: one row and one receipt per charge, status following Stripe, failed cards fixed."""
import itertools
import re

import pytest
from sqlalchemy import func, select

from leap_members.donations.models import Donation, EventOutcome, RecurringGift, StripeEvent
from leap_members.donations.staff_queries import problem_monthly_gifts
from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage
from tests.support.smtp import body_of

from .events import checkout_session, event, invoice, outcome_of, signed_post, subscription


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def monthly_start(gift, sub="sub_monthly", first_invoice="in_first"):
    return event("checkout.session.completed", checkout_session(gift, subscription=sub, invoice=first_invoice))


def test_every_monthly_charge_becomes_its_own_gift_with_its_own_receipt(client, make_gift, deliver):
    gift = make_gift(kind="monthly", amount_cents=2500)
    signed_post(client, monthly_start(gift))
    signed_post(client, event("invoice.paid", invoice("sub_monthly", invoice_id="in_first",
                                                       billing_reason="subscription_create")))
    # Stripe sends invoice.payment_succeeded with invoice.paid: still one row for the invoice.
    signed_post(client, event("invoice.payment_succeeded", invoice("sub_monthly", invoice_id="in_first",
                                                                    billing_reason="subscription_create")))
    signed_post(client, event("invoice.paid", invoice("sub_monthly", invoice_id="in_second")))
    rows = db.session.scalars(select(Donation).order_by(Donation.id)).all()
    assert [(row.id == gift.id, row.stripe_invoice_id, row.status) for row in rows] == [
        (True, "in_first", "paid"), (False, "in_second", "paid")]
    monthly = db.session.scalar(select(RecurringGift))
    assert {row.recurring_gift_id for row in rows} == {monthly.id}
    assert len({row.receipt_number for row in rows}) == 2
    receipts = deliver().to("donor@example.net")
    assert len(receipts) == 2 and all("monthly gift" in body_of(message) for message in receipts)


def test_a_monthly_gift_shows_on_the_success_page_as_a_monthly_amount(client, make_gift):
    gift = make_gift(kind="monthly", amount_cents=2500)
    signed_post(client, monthly_start(gift))
    page = client.get(f"/donate/thank-you/{gift.public_token}").get_data(as_text=True)
    assert "monthly gift of" in page and "$25.00</strong> a month" in page


def legacy_invoice(sub: str, invoice_id: str, billing_reason: str | None):
    """An invoice as older API versions (and localstripe) shape it: no subscription metadata."""
    item = invoice(sub, invoice_id=invoice_id, billing_reason=billing_reason)
    del item["parent"]
    item["subscription"] = sub
    item["payment_intent"], item["charge"] = f"pi_{invoice_id}", f"ch_{invoice_id}"
    del item["payments"]
    return item


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_monthly_events_in_any_order_end_in_the_same_state_as_the_ideal_order(client, make_gift, order):
    gift = make_gift(kind="monthly", amount_cents=2500)
    sub = f"sub_{''.join(map(str, order))}"
    items = [
        monthly_start(gift, sub=sub, first_invoice=f"in_a_{sub}"),
        event("invoice.paid", legacy_invoice(sub, f"in_a_{sub}", "subscription_create"), created=1000),
        event("customer.subscription.updated", subscription(sub, "active"), created=1001),
        event("invoice.paid", legacy_invoice(sub, f"in_b_{sub}", "subscription_cycle"), created=1002),
    ]
    for index in order:
        assert signed_post(client, items[index]).status_code == 200
    rows = db.session.scalars(select(Donation).order_by(Donation.id)).all()
    assert [(row.stripe_invoice_id, row.status, row.stripe_charge_id) for row in rows] == [
        (f"in_a_{sub}", "paid", f"ch_in_a_{sub}"), (f"in_b_{sub}", "paid", f"ch_in_b_{sub}")]
    assert rows[0].id == gift.id
    monthly = db.session.scalar(select(RecurringGift))
    assert monthly.status == "active" and monthly.stripe_subscription_id == sub
    assert count(OutboxMessage, OutboxMessage.kind == "donation-receipt") == 2
    assert count(StripeEvent, StripeEvent.outcome == EventOutcome.DEFERRED) == 0


def test_a_cancellation_is_not_undone_by_an_older_update_arriving_late(client, make_gift):
    gift = make_gift(kind="monthly")
    signed_post(client, monthly_start(gift, sub="sub_cancel"))
    signed_post(client, event("customer.subscription.deleted", subscription("sub_cancel", "canceled"), created=2000))
    signed_post(client, event("customer.subscription.updated", subscription("sub_cancel", "active"), created=1990))
    monthly = db.session.scalar(select(RecurringGift))
    assert monthly.status == "canceled" and monthly.canceled_at is not None


def test_a_newer_status_replaces_an_older_one_but_not_the_reverse(client, make_gift):
    gift = make_gift(kind="monthly")
    signed_post(client, monthly_start(gift, sub="sub_status"))
    signed_post(client, event("customer.subscription.updated", subscription("sub_status", "past_due"), created=3000))
    signed_post(client, event("customer.subscription.updated", subscription("sub_status", "active"), created=2000))
    assert db.session.scalar(select(RecurringGift.status)) == "past_due"
    signed_post(client, event("customer.subscription.updated", subscription("sub_status", "active"), created=4000))
    assert db.session.scalar(select(RecurringGift.status)) == "active"


def test_an_amount_changed_in_the_billing_portal_is_used_for_later_charges(client, make_gift):
    gift = make_gift(kind="monthly", amount_cents=2500)
    signed_post(client, monthly_start(gift, sub="sub_raise"))
    signed_post(client, event("customer.subscription.updated", subscription("sub_raise", "active", amount=4000)))
    signed_post(client, event("invoice.paid", invoice("sub_raise", invoice_id="in_raised", amount=4000)))
    raised = db.session.scalar(select(Donation).where(Donation.stripe_invoice_id == "in_raised"))
    assert (raised.amount_cents, raised.total_cents) == (4000, 4000)
    assert db.session.scalar(select(RecurringGift.total_cents)) == 4000


def fail_payment(client, sub="sub_fails", invoice_id="in_fails", attempt=1) -> dict:
    """Deliver an invoice.payment_failed event and return it."""
    failed = event("invoice.payment_failed", invoice(sub, invoice_id=invoice_id, attempt_count=attempt))
    assert signed_post(client, failed).status_code == 200
    return failed


def test_a_failed_monthly_payment_emails_the_donor_a_link_to_fix_the_card(client, make_gift, deliver, fake_stripe):
    gift = make_gift(kind="monthly", amount_cents=2500)
    signed_post(client, monthly_start(gift, sub="sub_fails"))
    assert outcome_of(fail_payment(client)) == "applied"
    fail_payment(client)  # the same failure delivered again: one e-mail
    sent = [m for m in deliver().to("donor@example.net") if "did not go through" in m["Subject"]]
    assert len(sent) == 1
    message = sent[0]
    body = body_of(message)
    assert "did not go through" in body
    link = re.search(r"http://localhost(/donate/fix-card/\S+)", body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and b"Update my card" in page.data
    assert fake_stripe.calls("/v1/billing_portal/sessions") == []   # a mail scanner's GET opens nothing
    response = client.post(link)
    assert response.status_code == 303 and response.headers["Location"].startswith(f"{fake_stripe.url}/portal/")
    [call] = fake_stripe.calls("/v1/billing_portal/sessions")
    assert call.form == {"customer": "cus_testguest", "return_url": "http://localhost/",
                         "flow_data[type]": "payment_method_update"}


def test_a_forged_fix_card_link_is_refused(client):
    assert client.get("/donate/fix-card/forged.token.value").status_code == 400


def test_staff_see_failed_and_past_due_monthly_gifts_with_the_decline_reason(client, auth, staff, make_gift,
                                                                              fake_stripe):
    gift = make_gift(kind="monthly", email="declined@example.net")
    signed_post(client, monthly_start(gift, sub="sub_fails"))
    fake_stripe.responses["/v1/payment_intents/pi_for_in_fails"] = {
        "id": "pi_for_in_fails", "object": "payment_intent",
        "last_payment_error": {"message": "Your card has insufficient funds.", "decline_code": "insufficient_funds"}}
    fail_payment(client)
    signed_post(client, event("customer.subscription.updated", subscription("sub_fails", "past_due")))
    auth.login(staff.email)
    page = client.get("/staff/donations/monthly-problems").get_data(as_text=True)
    assert "declined@example.net" in page and "Past due" in page
    assert "Your card has insufficient funds. (insufficient_funds)" in page


def test_a_failure_fixed_by_a_later_payment_leaves_the_problem_list(client, make_gift):
    gift = make_gift(kind="monthly")
    signed_post(client, monthly_start(gift, sub="sub_fails"))
    fail_payment(client)
    assert len(problem_monthly_gifts()) == 1
    signed_post(client, event("invoice.paid", invoice("sub_fails", invoice_id="in_fails")))
    signed_post(client, event("customer.subscription.updated", subscription("sub_fails", "active")))
    assert problem_monthly_gifts() == []


def test_a_member_manages_a_monthly_gift_through_the_billing_portal(client, auth, member, make_gift, fake_stripe):
    gift = make_gift(kind="monthly", member=member)
    signed_post(client, monthly_start(gift, sub="sub_member"))
    auth.login(member.email)
    page = client.get("/account/giving").get_data(as_text=True)
    assert "Update card, change or cancel" in page
    monthly = db.session.scalar(select(RecurringGift))
    response = client.post(f"/account/giving/monthly/{monthly.id}/manage")
    assert response.status_code == 303
    [call] = fake_stripe.calls("/v1/billing_portal/sessions")
    assert call.form == {"customer": "cus_testguest", "return_url": "http://localhost/account/giving"}


def test_a_member_cannot_manage_someone_elses_monthly_gift(client, auth, member_factory, make_gift, fake_stripe):
    owner, other = member_factory(), member_factory()
    gift = make_gift(kind="monthly", member=owner)
    signed_post(client, monthly_start(gift, sub="sub_owner"))
    auth.login(other.email)
    monthly = db.session.scalar(select(RecurringGift))
    assert client.post(f"/account/giving/monthly/{monthly.id}/manage").status_code == 404
    assert fake_stripe.calls("/v1/billing_portal/sessions") == []


def test_a_refunded_monthly_charge_is_found_through_its_invoice_when_the_charge_names_only_its_payment(
        client, make_gift, fake_stripe):
    gift = make_gift(kind="monthly", amount_cents=2500)
    signed_post(client, monthly_start(gift, sub="sub_refund"))
    paid = invoice("sub_refund", invoice_id="in_refund_me")
    del paid["payments"]   # current API versions leave the payment off the invoice unless expanded
    signed_post(client, event("invoice.paid", paid))
    fake_stripe.responses["/v1/invoice_payments"] = {
        "object": "list", "data": [{"object": "invoice_payment", "invoice": "in_refund_me",
                                    "payment": {"type": "payment_intent", "payment_intent": "pi_monthly_2"}}]}
    refund = {"id": "ch_monthly_2", "object": "charge", "amount": 2500, "amount_refunded": 2500, "paid": True,
              "payment_intent": "pi_monthly_2", "metadata": {}, "created": 1}
    refunded = event("charge.refunded", refund)
    assert signed_post(client, refunded).status_code == 200 and outcome_of(refunded) == "applied"
    [lookup] = fake_stripe.calls("/v1/invoice_payments")
    assert "payment%5Bpayment_intent%5D=pi_monthly_2" in lookup.path
    refunded = db.session.scalar(select(Donation).where(Donation.stripe_invoice_id == "in_refund_me"))
    assert refunded.status == "refunded" and refunded.stripe_payment_intent_id == "pi_monthly_2"
