"""The webhook: signed events only, each applied once, the same end state in any order."""
import itertools
import json
import threading
import time
import urllib.request
from datetime import timedelta

import pytest
import stripe
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from leap_members.core.timeutil import utcnow
from leap_members.donations import events as donation_events
from leap_members.donations.events import apply_queued
from leap_members.donations.models import EventOutcome, StripeEvent
from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage
from tests.e2e.conftest import LiveServer
from tests.support.smtp import body_of

from .conftest import stripe_config
from .events import charge, checkout_session, event, outcome_of, signed_post


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def completed(gift, **session):
    return event("checkout.session.completed", checkout_session(gift, **session))


def test_a_completed_checkout_marks_the_gift_paid_and_emails_a_receipt(client, make_gift, deliver, fund):
    gift = make_gift(amount_cents=5000, fund_id=fund.id, tribute_type="memory", tribute_name="Sgt. Lee Park")
    payload = completed(gift, payment_intent="pi_123")
    response = signed_post(client, payload)
    assert response.status_code == 200 and response.json["outcome"] == "queued" and outcome_of(payload) == "applied"
    db.session.refresh(gift)
    assert gift.status == "paid" and gift.stripe_payment_intent_id == "pi_123"
    assert gift.receipt_number == f"LEAP-{gift.paid_at.year}-{gift.id:07d}"
    body = body_of(deliver().last_to("donor@example.net"))
    for expected in (gift.receipt_number, "$50.00", "Law Enforcement Action Partnership, Inc.", "EIN: 00-0000000",
                     "No goods or services were provided in exchange for this contribution.", "Speakers bureau",
                     "In memory of Sgt. Lee Park", f"/donate/receipt/{gift.public_token}"):
        assert expected in body


def test_the_success_page_says_confirming_until_the_webhook_arrives_and_ignores_the_query_string(client, make_gift):
    gift = make_gift()
    page = client.get(f"/donate/thank-you/{gift.public_token}?session_id=cs_forged&paid=1").get_data(as_text=True)
    assert "Confirming your gift" in page and "Thank you" not in page
    signed_post(client, completed(gift))
    page = client.get(f"/donate/thank-you/{gift.public_token}").get_data(as_text=True)
    assert "Thank you, Dana!" in page and "$50.00" in page and gift.receipt_number in page


def test_an_unknown_success_page_token_is_not_found(client):
    assert client.get("/donate/thank-you/not-a-token").status_code == 404


def test_a_duplicated_delivery_records_one_event_and_sends_one_receipt(client, make_gift):
    gift = make_gift()
    payload = completed(gift)
    assert signed_post(client, payload).json["outcome"] == "queued"
    assert signed_post(client, payload).json["outcome"] == "duplicate"
    assert count(StripeEvent) == 1 and outcome_of(payload) == "applied"
    assert count(OutboxMessage, OutboxMessage.kind == "donation-receipt") == 1


def test_the_same_payment_reported_by_two_different_events_sends_one_receipt(client, make_gift):
    gift = make_gift()
    signed_post(client, completed(gift))
    signed_post(client, event("checkout.session.async_payment_succeeded", checkout_session(gift)))
    assert count(StripeEvent) == 2
    assert count(OutboxMessage, OutboxMessage.kind == "donation-receipt") == 1


@pytest.mark.parametrize("tamper", ["wrong secret", "altered body", "stale", "no header", "garbage header"])
def test_a_forged_altered_stale_or_unsigned_webhook_is_refused_and_changes_nothing(client, make_gift, tamper):
    gift = make_gift()
    body = json.dumps(completed(gift))
    if tamper == "wrong secret":
        response = signed_post(client, body, secret="whsec_attacker")
    elif tamper == "altered body":
        header = stripe.WebhookSignature.generate_signature_header(body, "whsec_test_leap_donations")
        response = signed_post(client, body.replace('"paid"', '"paid" '), signature=header)
    elif tamper == "stale":
        response = signed_post(client, body, timestamp=int(time.time()) - 301)
    elif tamper == "no header":
        response = client.post("/stripe/webhook", data=body, content_type="application/json")
    else:
        response = signed_post(client, body, signature="t=abc,v1=zzz")
    assert response.status_code == 400
    db.session.refresh(gift)
    assert gift.status == "pending" and count(StripeEvent) == 0


def test_a_signed_body_that_is_not_an_event_is_refused(client):
    assert signed_post(client, "not json at all").status_code == 400
    assert signed_post(client, {"hello": "world"}).status_code == 400


def test_an_unknown_event_type_is_acknowledged_and_ignored(client):
    response = signed_post(client, event("customer.tax_id.created", {"id": "txi_1", "object": "tax_id"}))
    assert response.status_code == 200
    assert db.session.scalar(select(StripeEvent.outcome)) == EventOutcome.IGNORED


def test_a_checkout_session_that_is_not_ours_is_acknowledged_and_ignored(client, make_gift):
    foreign = {"id": "cs_other_system", "object": "checkout.session", "mode": "payment", "payment_status": "paid",
               "metadata": {}, "client_reference_id": None}
    payload = event("checkout.session.completed", foreign)
    assert signed_post(client, payload).status_code == 200 and outcome_of(payload) == "ignored"


def test_when_the_database_fails_the_webhook_answers_5xx_and_the_redelivery_records_the_gift_once(
        client, make_gift, monkeypatch):
    gift = make_gift()
    payload = completed(gift)

    def database_down(*args, **kwargs):
        raise OperationalError("INSERT INTO stripe_events", {}, Exception("server closed the connection unexpectedly"))

    with monkeypatch.context() as patch:
        patch.setattr(donation_events, "_insert", database_down)
        response = signed_post(client, payload)
    assert response.status_code == 503
    db.session.refresh(gift)
    assert gift.status == "pending" and count(StripeEvent) == 0 and count(OutboxMessage) == 0

    assert signed_post(client, payload).status_code == 200
    assert signed_post(client, payload).json["outcome"] == "duplicate"
    db.session.refresh(gift)
    assert gift.status == "paid" and count(StripeEvent) == 1
    assert count(OutboxMessage, OutboxMessage.kind == "donation-receipt") == 1


def test_an_event_the_worker_cannot_apply_waits_with_its_error_and_holds_up_no_other(client, make_gift, monkeypatch):
    stuck_gift, next_gift = make_gift(email="stuck@example.net"), make_gift(email="next@example.net")
    stuck, following = completed(stuck_gift), completed(next_gift)
    real_apply = donation_events._apply

    def fails_for_one(event, extra):
        if event["id"] == stuck["id"]:
            raise OperationalError("UPDATE donations", {}, Exception("could not serialize access"))
        return real_apply(event, extra)

    with monkeypatch.context() as patch:
        patch.setattr(donation_events, "_apply", fails_for_one)
        assert signed_post(client, stuck, worker=False).json["outcome"] == "queued"
        assert signed_post(client, following, worker=False).json["outcome"] == "queued"
        assert apply_queued() == {"failed": 1, "applied": 1}
        assert apply_queued() == {}   # not due again before its back-off has passed
    row = db.session.scalar(select(StripeEvent).where(StripeEvent.stripe_event_id == stuck["id"]))
    assert row.outcome == "queued" and row.attempts == 1 and "could not serialize access" in row.note
    assert timedelta(seconds=50) < row.retry_at - utcnow() <= timedelta(minutes=1)
    db.session.refresh(stuck_gift)
    db.session.refresh(next_gift)
    assert stuck_gift.status == "pending" and next_gift.status == "paid"

    row.retry_at = utcnow() - timedelta(seconds=1)   # the minute has passed
    db.session.commit()
    assert apply_queued() == {"applied": 1}
    db.session.refresh(stuck_gift)
    assert stuck_gift.status == "paid" and outcome_of(stuck) == "applied"
    assert count(OutboxMessage, OutboxMessage.kind == "donation-receipt") == 2


def test_nothing_changes_until_the_worker_applies_the_stored_event(client, make_gift, runner):
    gift = make_gift()
    payload = completed(gift)
    assert signed_post(client, payload, worker=False).json["outcome"] == "queued"
    db.session.refresh(gift)
    assert gift.status == "pending" and outcome_of(payload) == "queued"
    result = runner.invoke(args=["apply-stripe-events"])
    assert result.exit_code == 0, result.output
    assert "1 applied, 0 ignored, 0 deferred" in result.output and "now 0 queued" in result.output
    db.session.refresh(gift)
    assert gift.status == "paid" and outcome_of(payload) == "applied"
    assert db.session.scalar(select(StripeEvent.payload).where(StripeEvent.stripe_event_id == payload["id"])) is None


def test_the_webhook_needs_no_csrf_token_while_the_donate_form_still_does(app_factory, fake_stripe, make_gift):
    application = app_factory(**stripe_config(fake_stripe.url), WTF_CSRF_ENABLED=True)
    client = application.test_client()
    with application.app_context():
        gift = make_gift()
        assert signed_post(client, completed(gift)).status_code == 200
        refused = client.post("/donate", data={"amount_choice": "5000", "frequency": "one_time"})
        assert refused.status_code == 400 and b"Form expired" in refused.data


def test_an_expired_checkout_shows_as_not_completed_but_never_undoes_a_payment(client, make_gift):
    abandoned, paid = make_gift(), make_gift()
    signed_post(client, event("checkout.session.expired", checkout_session(abandoned, payment_status="unpaid")))
    signed_post(client, completed(paid))
    signed_post(client, event("checkout.session.expired", checkout_session(paid, payment_status="paid")))
    db.session.refresh(abandoned)
    db.session.refresh(paid)
    assert abandoned.status == "expired" and paid.status == "paid"
    assert b"was not completed" in client.get(f"/donate/thank-you/{abandoned.public_token}").data


def test_a_bank_payment_is_processing_until_it_settles_or_fails(client, make_gift, deliver):
    settles, bounces = make_gift(email="a@example.net"), make_gift(email="b@example.net")
    for gift in (settles, bounces):
        signed_post(client, completed(gift, payment_status="unpaid"))
    assert b"on its way" in client.get(f"/donate/thank-you/{settles.public_token}").data
    signed_post(client, event("checkout.session.async_payment_succeeded", checkout_session(settles)))
    signed_post(client, event("checkout.session.async_payment_failed",
                              checkout_session(bounces, payment_status="unpaid")))
    db.session.refresh(settles)
    db.session.refresh(bounces)
    assert settles.status == "paid" and bounces.status == "failed" and bounces.receipt_number is None
    assert [m["To"] for m in deliver().messages] == ["a@example.net"]


def refund_events(gift, amounts):
    return [event("charge.refunded", charge(gift.stripe_payment_intent_id, amount=gift.total_cents, refunded=amount))
            for amount in amounts]


def test_partial_then_full_refunds_are_recorded_and_the_donor_is_told_each_time(client, make_gift, deliver):
    gift = make_gift(amount_cents=10000)
    signed_post(client, completed(gift, payment_intent="pi_refund_me"))
    db.session.refresh(gift)
    partial, full = refund_events(gift, [2500, 10000])
    signed_post(client, partial)
    db.session.refresh(gift)
    assert gift.status == "partially_refunded" and gift.refunded_cents == 2500 and gift.net_cents == 7500
    signed_post(client, full)
    db.session.refresh(gift)
    assert gift.status == "refunded" and gift.net_cents == 0
    receipt_number = gift.receipt_number
    bodies = [body_of(m) for m in deliver().to("donor@example.net")]
    assert len(bodies) == 3
    assert "$25.00 of your gift of $100.00" in bodies[1] and "remains a contribution is $75.00" in bodies[1]
    assert "refunded in full" in bodies[2]
    assert gift.receipt_number == receipt_number
    page = client.get(f"/donate/receipt/{gift.public_token}").get_data(as_text=True)
    assert "Refunded" in page and "$100.00" in page


def test_refund_events_arriving_in_reverse_order_end_in_the_same_state(client, make_gift):
    gift = make_gift(amount_cents=10000)
    signed_post(client, completed(gift, payment_intent="pi_reverse"))
    db.session.refresh(gift)
    partial, full = refund_events(gift, [2500, 10000])
    signed_post(client, full)
    signed_post(client, partial)
    db.session.refresh(gift)
    assert gift.status == "refunded" and gift.refunded_cents == 10000
    assert count(OutboxMessage, OutboxMessage.kind == "donation-refund") == 1


def test_a_refund_heard_before_the_payment_waits_and_then_ends_like_the_ideal_order(client, make_gift):
    ideal, reordered = make_gift(email="ideal@example.net"), make_gift(email="reordered@example.net")
    for gift, order in ((ideal, "ideal"), (reordered, "reversed")):
        pay = completed(gift, payment_intent=f"pi_{order}")
        refund = event("charge.refunded", charge(f"pi_{order}", amount=5000, refunded=2000))
        sequence = [pay, refund] if order == "ideal" else [refund, pay]
        outcomes = [signed_post(client, item) and outcome_of(item) for item in sequence]
        if order == "reversed":
            assert outcomes == ["deferred", "applied"]
    for gift in (ideal, reordered):
        db.session.refresh(gift)
    assert (ideal.status, ideal.refunded_cents, bool(ideal.receipt_number)) == (
        reordered.status, reordered.refunded_cents, bool(reordered.receipt_number)) == ("partially_refunded", 2000, True)
    assert count(StripeEvent, StripeEvent.outcome == EventOutcome.DEFERRED) == 0


def test_a_dispute_marks_the_gift_disputed(client, make_gift):
    gift = make_gift()
    signed_post(client, completed(gift, payment_intent="pi_disputed"))
    dispute = {"id": "dp_1", "object": "dispute", "charge": "ch_disputed", "payment_intent": "pi_disputed",
               "amount": 5000, "reason": "fraudulent", "created": int(time.time())}
    disputed = event("charge.dispute.created", dispute)
    assert signed_post(client, disputed).status_code == 200 and outcome_of(disputed) == "applied"
    db.session.refresh(gift)
    assert gift.status == "disputed" and gift.dispute_reason == "fraudulent" and gift.stripe_charge_id == "ch_disputed"


def test_a_guest_gift_is_matched_to_the_member_with_that_confirmed_email_only(client, make_gift, member_factory):
    confirmed = member_factory(email="confirmed@example.org")
    member_factory(email="unconfirmed@example.org", confirmed=False)
    to_confirmed = make_gift(email="Confirmed@Example.org")
    to_unconfirmed = make_gift(email="unconfirmed@example.org")
    signed_post(client, completed(to_confirmed))
    signed_post(client, completed(to_unconfirmed))
    db.session.refresh(to_confirmed)
    db.session.refresh(to_unconfirmed)
    assert to_confirmed.member_id == confirmed.id
    assert to_unconfirmed.member_id is None


def test_a_tribute_notice_goes_once_to_the_person_named_without_the_amount(client, make_gift, deliver):
    gift = make_gift(tribute_type="honour", tribute_name="Chief Ana Ruiz", tribute_notify_email="ana@example.net")
    signed_post(client, completed(gift))
    signed_post(client, event("checkout.session.async_payment_succeeded", checkout_session(gift)))
    notices = deliver().to("ana@example.net")
    assert len(notices) == 1
    body = body_of(notices[0])
    assert "Dana Donor has made a gift" in body and "in honour of Chief Ana Ruiz" in body and "$" not in body


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_one_time_gift_events_in_any_order_end_in_the_same_state(client, make_gift, order):
    gift = make_gift(amount_cents=8000)
    pay = completed(gift, payment_intent="pi_any_order")
    expire = event("checkout.session.expired", checkout_session(gift))
    refund = event("charge.refunded", charge("pi_any_order", amount=8000, refunded=3000))
    items = [pay, expire, refund]
    for index in order:
        assert signed_post(client, items[index]).status_code == 200
    db.session.refresh(gift)
    assert (gift.status, gift.refunded_cents, gift.stripe_payment_intent_id) == ("partially_refunded", 3000, "pi_any_order")
    assert gift.receipt_number is not None
    assert count(OutboxMessage, OutboxMessage.kind == "donation-receipt") == 1
    assert count(StripeEvent, StripeEvent.outcome == EventOutcome.DEFERRED) == 0


def test_two_simultaneous_deliveries_of_one_event_apply_it_once(app, make_gift):
    gift = make_gift()
    body = json.dumps(completed(gift))
    header = stripe.WebhookSignature.generate_signature_header(body, "whsec_test_leap_donations")
    db.session.commit()
    server = LiveServer(app)
    server.start()
    barrier, outcomes = threading.Barrier(2), []

    def deliver_once():
        request = urllib.request.Request(server.url + "/stripe/webhook", data=body.encode(), method="POST",
                                         headers={"Content-Type": "application/json", "Stripe-Signature": header})
        barrier.wait()
        with urllib.request.urlopen(request, timeout=30) as response:
            outcomes.append((response.status, json.loads(response.read())["outcome"]))

    threads = [threading.Thread(target=deliver_once) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        server.stop()
    assert sorted(outcomes) == [(200, "duplicate"), (200, "queued")]
    db.session.rollback()
    assert apply_queued() == {"applied": 1}
    assert count(StripeEvent) == 1
    assert count(OutboxMessage, OutboxMessage.kind == "donation-receipt") == 1
