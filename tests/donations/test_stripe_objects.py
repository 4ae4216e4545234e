"""Reading Stripe objects into typed values: old and new API shapes, expanded and bare ids, fields left out."""
from datetime import datetime

import pytest

from leap_members.donations.stripe_objects import (
    Malformed,
    PaymentRef,
    event_time,
    metadata_donation_id,
    object_id,
    parse_charge,
    parse_checkout_session,
    parse_dispute,
    parse_invoice,
    parse_subscription,
    stripe_time,
)

T = 1_760_000_000   # 2025-10-09 08:53:20 UTC
WHEN = datetime(2025, 10, 9, 8, 53, 20)


@pytest.mark.parametrize(("value", "expected"), [
    ("cus_1", "cus_1"), ({"id": "cus_1", "object": "customer"}, "cus_1"), (None, None), ("", None),
    ({"object": "customer"}, None), (42, None), (["cus_1"], None)])
def test_object_id_takes_a_bare_or_an_expanded_id(value, expected):
    assert object_id(value) == expected


def test_times_are_naive_utc_and_zero_or_none_is_no_time():
    assert stripe_time(T) == WHEN and stripe_time(str(T)) == WHEN
    assert stripe_time(0) is None and stripe_time(None) is None and stripe_time("soon") is None
    assert event_time({"created": T}) == WHEN


@pytest.mark.parametrize(("metadata", "expected"), [
    ({"donation_id": "12"}, 12), ({"donation_id": 12}, 12), ({"donation_id": "twelve"}, None), ({}, None),
    (None, None), ("donation_id=12", None)])
def test_our_gift_id_is_read_from_metadata_when_it_is_a_number(metadata, expected):
    assert metadata_donation_id({"metadata": metadata}) == expected


def test_a_checkout_session_with_bare_ids():
    session = parse_checkout_session({
        "id": "cs_1", "object": "checkout.session", "mode": "payment", "payment_status": "paid",
        "customer": "cus_1", "customer_details": {"email": "dana@example.net"}, "metadata": {"donation_id": "7"},
        "client_reference_id": "8", "payment_intent": "pi_1", "subscription": None, "invoice": None})
    assert (session.id, session.mode, session.payment_status, session.donation_id) == ("cs_1", "payment", "paid", 7)
    assert (session.customer_id, session.customer_email, session.payment_intent_id) == (
        "cus_1", "dana@example.net", "pi_1")
    assert session.subscription_id is None and session.invoice_id is None


def test_a_checkout_session_with_expanded_objects_and_only_a_client_reference():
    session = parse_checkout_session({
        "id": "cs_2", "mode": "subscription", "payment_status": "paid", "metadata": {}, "client_reference_id": "9",
        "customer": {"id": "cus_2", "object": "customer"}, "subscription": {"id": "sub_2", "object": "subscription"},
        "invoice": {"id": "in_2", "object": "invoice"}})
    assert (session.donation_id, session.customer_id, session.subscription_id, session.invoice_id) == (
        9, "cus_2", "sub_2", "in_2")


def test_a_checkout_session_missing_its_optional_fields():
    session = parse_checkout_session({"id": "cs_3", "customer_details": None})
    assert session.id == "cs_3" and session.donation_id is None and session.customer_email is None
    assert session.mode is None and session.payment_status is None and session.customer_id is None
    assert parse_checkout_session({}).id is None   # not ours, whatever it is: the handler ignores it


def test_an_invoice_in_the_current_api_shape():
    invoice = parse_invoice({
        "id": "in_1", "object": "invoice", "customer": "cus_1", "customer_email": "dana@example.net",
        "amount_paid": 2500, "billing_reason": "subscription_cycle", "attempt_count": 2,
        "parent": {"type": "subscription_details",
                   "subscription_details": {"subscription": "sub_1", "metadata": {"donation_id": "5"}}},
        "status_transitions": {"paid_at": T},
        "payments": {"object": "list", "data": [{"payment": {"type": "payment_intent", "payment_intent": "pi_1"}},
                                                {"payment": {"type": "charge", "charge": "ch_1"}}]}})
    assert (invoice.id, invoice.subscription_id, invoice.donation_id, invoice.customer_id) == (
        "in_1", "sub_1", 5, "cus_1")
    assert (invoice.amount_paid, invoice.billing_reason, invoice.attempt_count, invoice.paid_at) == (
        2500, "subscription_cycle", 2, WHEN)
    assert (invoice.payment_intent_id, invoice.charge_id, invoice.customer_email) == ("pi_1", "ch_1", "dana@example.net")


def test_an_invoice_with_subscription_details_at_the_top():
    invoice = parse_invoice({"id": "in_2", "subscription_details": {"subscription": {"id": "sub_2"},
                                                                    "metadata": {"donation_id": "6"}}})
    assert (invoice.subscription_id, invoice.donation_id) == ("sub_2", 6)


def test_an_invoice_in_an_old_api_shape_with_expanded_objects():
    invoice = parse_invoice({
        "id": "in_3", "subscription": {"id": "sub_3", "object": "subscription"}, "customer": {"id": "cus_3"},
        "payment_intent": {"id": "pi_3", "object": "payment_intent"}, "charge": "ch_3", "amount_paid": "2500"})
    assert (invoice.subscription_id, invoice.customer_id, invoice.payment_intent_id, invoice.charge_id) == (
        "sub_3", "cus_3", "pi_3", "ch_3")
    assert invoice.donation_id is None and invoice.amount_paid == 2500


def test_an_invoice_missing_its_optional_fields():
    invoice = parse_invoice({"id": "in_4", "parent": None, "payments": None, "status_transitions": None,
                             "last_finalization_error": None, "attempt_count": None})
    assert invoice.subscription_id is None and invoice.donation_id is None and invoice.customer_id is None
    assert (invoice.amount_paid, invoice.attempt_count, invoice.billing_reason, invoice.paid_at) == (0, 1, None, None)
    assert invoice.payment_intent_id is None and invoice.charge_id is None and invoice.failure_message is None
    assert parse_invoice({"id": "in_5", "last_finalization_error": {"message": "No card"}}).failure_message == "No card"


def test_an_invoice_without_an_id_is_malformed():
    with pytest.raises(Malformed):
        parse_invoice({"object": "invoice", "subscription": "sub_1"})


def test_a_subscription_in_the_current_api_shape():
    subscription = parse_subscription({
        "id": "sub_1", "status": "active", "customer": "cus_1", "metadata": {"donation_id": "3"},
        "cancel_at_period_end": True, "canceled_at": None,
        "items": {"data": [{"price": {"unit_amount": 1250}, "quantity": 2, "current_period_end": T}]}})
    assert (subscription.id, subscription.status, subscription.donation_id, subscription.customer_id) == (
        "sub_1", "active", 3, "cus_1")
    assert (subscription.cancel_at_period_end, subscription.current_period_end, subscription.total_cents) == (
        True, WHEN, 2500)
    assert subscription.ended_at is None


def test_a_subscription_in_an_old_api_shape():
    subscription = parse_subscription({
        "id": "sub_2", "status": "canceled", "customer": {"id": "cus_2"}, "current_period_end": T,
        "ended_at": T, "items": {"data": [{"plan": {"amount": 3000}, "quantity": None}]}})
    assert (subscription.customer_id, subscription.current_period_end, subscription.total_cents) == (
        "cus_2", WHEN, 3000)
    assert subscription.ended_at == WHEN and subscription.cancel_at_period_end is False


def test_a_subscription_missing_its_optional_fields():
    subscription = parse_subscription({"id": "sub_3", "items": {"data": [{"price": {"unit_amount": None}}]}})
    assert subscription.status is None and subscription.donation_id is None and subscription.customer_id is None
    assert subscription.total_cents is None and subscription.current_period_end is None
    assert parse_subscription({"id": "sub_4", "items": None}).total_cents is None
    with pytest.raises(Malformed):
        parse_subscription({"status": "active"})


def test_a_charge_with_our_metadata_and_an_old_invoice_link():
    charge = parse_charge({"id": "ch_1", "payment_intent": "pi_1", "invoice": "in_1", "metadata": {"donation_id": "4"},
                           "amount_refunded": 1500, "paid": True, "created": T})
    assert charge.payment == PaymentRef("ch_1", "pi_1", donation_id=4, invoice_id="in_1")
    assert (charge.paid, charge.amount_refunded, charge.created) == (True, 1500, WHEN)


def test_a_charge_missing_its_optional_fields():
    charge = parse_charge({"id": "ch_2", "payment_intent": {"id": "pi_2", "object": "payment_intent"}})
    assert charge.payment == PaymentRef("ch_2", "pi_2")
    assert (charge.paid, charge.amount_refunded, charge.created) == (True, 0, None)   # "paid" absent: paid
    assert parse_charge({"id": "ch_3", "paid": False}).paid is False


def test_a_dispute_naming_its_charge_by_id():
    dispute = parse_dispute({"id": "dp_1", "charge": "ch_1", "payment_intent": "pi_1", "reason": "fraudulent",
                             "created": T})
    assert dispute.payment == PaymentRef("ch_1", "pi_1")
    assert (dispute.reason, dispute.created) == ("fraudulent", WHEN)


def test_a_dispute_with_its_charge_expanded():
    dispute = parse_dispute({"id": "dp_2", "charge": {"id": "ch_2", "metadata": {"donation_id": "11"},
                                                      "invoice": {"id": "in_2"}}})
    assert dispute.payment == PaymentRef("ch_2", None, donation_id=11, invoice_id="in_2")
    assert dispute.reason is None and dispute.created is None
