"""Outgoing webhooks: new records queue one delivery in their own transaction; the worker POSTs it signed,
retries with back-off, gives up after the last attempt, and sends nothing to a paused endpoint."""
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from leap_members.advocacy.models import ActionKind, SignupStatus
from leap_members.advocacy.services import sign_up, withdraw
from leap_members.api.models import WebhookDelivery, WebhookEvent
from leap_members.api.webhooks import register_endpoint, set_paused
from leap_members.api.webhooks_delivery import deliver_pending
from leap_members.core.timeutil import utcnow
from leap_members.donations.models import Donation
from leap_members.extensions import db
from leap_members.members.models import Member
from tests.advocacy.factories import build_action
from tests.support.factories import make_member


def endpoint_for(receiver, *events, name="Sync tool"):
    endpoint, secret = register_endpoint(name, receiver.url, list(events))
    db.session.commit()
    return endpoint, secret


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, as the console documents it: HMAC-SHA256 of "<t>.<body>", t recent."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - int(fields["t"])) <= tolerance


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def come_due() -> None:
    """Let time pass until every postponed delivery is due."""
    db.session.execute(update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_a_new_person_is_posted_once_signed_as_documented(app, receiver, runner):
    _, secret = endpoint_for(receiver, WebhookEvent.PERSON)
    member = make_member(first_name="Rosa", email="rosa@example.org")
    assert len(deliveries()) == 1

    result = runner.invoke(args=["deliver-webhooks"])
    assert result.exit_code == 0 and "delivered 1, failed 0" in result.output
    [sent] = receiver.received
    assert sent.path == "/hooks/leap" and sent.headers["Content-Type"] == "application/json"
    assert verify(secret, sent.headers["X-LEAP-Signature"], sent.body)
    assert not verify("another secret", sent.headers["X-LEAP-Signature"], sent.body)
    [item] = json.loads(sent.body)
    assert item["idempotency_key"] == f"person:{member.uuid}" == sent.headers["X-LEAP-Delivery"]
    person = item["osdi:person"]
    assert person["given_name"] == "Rosa" and person["email_addresses"][0]["address"] == "rosa@example.org"
    assert person["_links"]["self"]["href"] == f"http://localhost/api/v2/people/{member.uuid}"
    assert deliveries()[0].state == "delivered" and deliveries()[0].last_status == 200

    assert runner.invoke(args=["deliver-webhooks"]).exit_code == 0
    assert len(receiver.received) == 1   # delivered once, not again


def test_a_rolled_back_record_queues_nothing_and_unwanted_kinds_are_not_queued(app, receiver):
    endpoint_for(receiver, WebhookEvent.DONATION)
    make_member()   # people are not what this endpoint wants
    endpoint_for(receiver, WebhookEvent.PERSON, name="People")
    db.session.add(Member(email="gone@example.org", first_name="Gone", last_name="Away", category="citizen",
                          city="Dayton", state="OH", zip_code="45402"))
    db.session.flush()
    db.session.rollback()
    assert deliveries() == []


def test_a_signature_is_queued_once_with_its_person_and_petition(app, receiver):
    petition = build_action(ActionKind.PETITION)
    member = make_member()
    _, secret = endpoint_for(receiver, WebhookEvent.SIGNATURE)
    signup = sign_up(petition, member, {"comment": "Count me in"})
    db.session.commit()
    [queued] = deliveries()
    assert queued.event == "signature" and queued.record_uuid == signup.uuid

    assert deliver_pending() == (1, 0)
    [sent] = receiver.received
    assert verify(secret, sent.headers["X-LEAP-Signature"], sent.body)
    signature = json.loads(sent.body)[0]["osdi:signature"]
    assert signature["comments"] == "Count me in"
    assert signature["_links"]["osdi:petition"]["href"].endswith(f"/petitions/{petition.uuid}")
    assert signature["person"]["identifiers"] == [f"leap_members:{member.uuid}"]


def test_an_attendance_is_new_at_each_registration_but_not_when_promoted(app, receiver):
    event = build_action(ActionKind.EVENT, capacity=1)
    first, second = make_member(), make_member()
    endpoint_for(receiver, WebhookEvent.ATTENDANCE)
    sign_up(event, first, {})
    sign_up(event, second, {})   # the waiting list: an attendance too
    db.session.commit()
    assert [d.event for d in deliveries()] == ["attendance", "attendance"]

    withdraw(event, first)       # second is promoted: not a new attendance
    db.session.commit()
    assert len(deliveries()) == 2
    sign_up(event, first, {})    # back again, on the waiting list
    db.session.commit()
    assert len(deliveries()) == 3
    deliver_pending()
    statuses = [json.loads(r.body)[0]["osdi:attendance"]["status"] for r in receiver.received]
    assert statuses == ["accepted", "tentative", "tentative"]


def test_a_donation_is_sent_when_it_is_paid_and_only_then(app, receiver):
    member = make_member()
    endpoint_for(receiver, WebhookEvent.DONATION)
    gift = Donation(kind="one_time", amount_cents=2500, total_cents=2500, donor_email=member.email,
                    donor_first_name="Pat", donor_last_name="Donor", member_id=member.id)
    db.session.add(gift)
    db.session.commit()
    assert deliveries() == []
    gift.paid_at = utcnow()
    gift.refresh_status()
    db.session.commit()
    gift.paid_at = utcnow() - timedelta(minutes=5)   # an earlier time heard later: not a new gift
    db.session.commit()
    assert len(deliveries()) == 1
    deliver_pending()
    donation = json.loads(receiver.received[0].body)[0]["osdi:donation"]
    assert donation["amount"] == "25.00" and donation["currency"] == "USD"
    assert donation["person"]["identifiers"] == [f"leap_members:{member.uuid}"]


def test_a_refusing_receiver_is_retried_with_back_off_then_delivered(app, receiver):
    endpoint_for(receiver, WebhookEvent.PERSON)
    make_member()
    receiver.answers = [500]
    assert deliver_pending() == (0, 1)
    [delivery] = deliveries()
    assert delivery.state == "retrying" and delivery.attempts == 1 and delivery.last_status == 500
    assert "HTTP 500: receiver broke" == delivery.last_error
    wait = delivery.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)   # backoff(1): a minute

    assert deliver_pending() == (0, 0) and len(receiver.received) == 1   # not due yet
    come_due()
    assert deliver_pending() == (1, 0)
    [delivery] = deliveries()
    assert delivery.state == "delivered" and delivery.attempts == 2 and delivery.last_error is None
    first, second = receiver.received
    assert first.body == second.body and first.headers["X-LEAP-Delivery"] == second.headers["X-LEAP-Delivery"]


def test_after_the_last_attempt_a_delivery_is_failed(app, receiver):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 2
    endpoint_for(receiver, WebhookEvent.PERSON)
    make_member()
    receiver.answers = [503, 302]
    deliver_pending()
    come_due()
    deliver_pending()
    [delivery] = deliveries()
    assert delivery.state == "failed" and delivery.attempts == 2 and delivery.failed_at is not None
    assert "redirects are not followed" in delivery.last_error
    come_due()
    assert deliver_pending() == (0, 0) and len(receiver.received) == 2


def test_a_receiver_that_does_not_answer_in_time_is_tried_again(app, receiver):
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 0.3
    receiver.delay = 1.0
    endpoint_for(receiver, WebhookEvent.PERSON)
    make_member()
    assert deliver_pending() == (0, 1)
    [delivery] = deliveries()
    assert delivery.state == "retrying" and delivery.last_status is None and "timed out" in delivery.last_error


def test_a_paused_endpoint_gets_nothing_new_and_what_waits_stays_until_resumed(app, receiver):
    endpoint, _ = endpoint_for(receiver, WebhookEvent.PERSON)
    make_member()   # queued before the pause
    set_paused(endpoint, True)
    db.session.commit()
    make_member()   # not queued at all
    assert len(deliveries()) == 1
    assert deliver_pending() == (0, 0) and receiver.received == []
    set_paused(endpoint, False)
    db.session.commit()
    assert deliver_pending() == (1, 0) and len(receiver.received) == 1


def test_every_endpoint_that_wants_a_kind_gets_its_own_delivery(app, receiver):
    _, one = endpoint_for(receiver, WebhookEvent.PERSON, name="One")
    _, two = endpoint_for(receiver, WebhookEvent.PERSON, WebhookEvent.DONATION, name="Two")
    make_member()
    assert deliver_pending() == (2, 0)
    signatures = [r.headers["X-LEAP-Signature"] for r in receiver.received]
    assert verify(one, signatures[0], receiver.received[0].body) and verify(two, signatures[1], receiver.received[1].body)


@pytest.mark.parametrize("address", ["http://127.0.0.1:{port}/hooks", "http://localhost:{port}/hooks"])
def test_without_local_addresses_a_name_for_this_machine_is_not_called(app, receiver, address):
    """SSRF: checked at delivery too, on the address the name resolves to (a URL stored before the check)."""
    endpoint, _ = endpoint_for(receiver, WebhookEvent.PERSON)
    endpoint.url = address.format(port=receiver.server.server_address[1])
    db.session.commit()
    app.config["WEBHOOKS_ALLOW_LOCAL"] = False
    make_member()
    assert deliver_pending() == (0, 1)
    assert receiver.received == []
    assert "private network or this machine" in deliveries()[0].last_error


def test_people_added_by_an_import_are_each_sent(app, receiver):
    from leap_members.admin.imports import apply_import, save_upload

    endpoint_for(receiver, WebhookEvent.PERSON)
    csv = ("email,first name,last name,city,state,zip,category\n"
           "ana@example.org,Ana,Ruiz,Dayton,OH,45402,citizen\nbo@example.org,Bo,Li,Dayton,OH,45402,citizen\n")
    apply_import(save_upload("people.csv", csv))
    db.session.commit()
    assert sorted(d.event for d in deliveries()) == ["person", "person"]
    assert deliver_pending() == (2, 0)


def test_a_status_change_that_is_not_new_queues_nothing(app, receiver):
    petition = build_action(ActionKind.PETITION)
    member = make_member()
    signup = sign_up(petition, member, {})
    db.session.commit()
    endpoint_for(receiver, WebhookEvent.SIGNATURE, WebhookEvent.PERSON)
    member.first_name = "Changed"
    signup.comment = "edited"
    db.session.commit()
    assert signup.status == SignupStatus.SIGNED and deliveries() == []
