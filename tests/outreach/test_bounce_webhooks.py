"""The bounce webhooks: a proven report stops bulk mail to the address; anything unproven changes nothing."""
import json
import logging
import time

import pytest
from sqlalchemy import func, select

from leap_members.mail.models import OutboxMessage
from leap_members.outreach import sending
from leap_members.outreach.models import DeliveryEvent, Suppression, SuppressionReason
from leap_members.outreach.provider_reports import sign
from tests.outreach.reports_to_send import (
    TOPIC_ARN,
    WEBHOOK_SECRET,
    SnsSigner,
    generic_event,
    post_generic,
    post_sns,
    postmark_bounce,
    ses_bounce,
    ses_complaint,
)


@pytest.fixture
def configured(app):
    app.config.update(EMAIL_WEBHOOK_SECRET=WEBHOOK_SECRET, POSTMARK_WEBHOOK_USER="postmark",
                      POSTMARK_WEBHOOK_PASSWORD="a long webhook password", SES_SNS_TOPIC_ARNS=[TOPIC_ARN])
    return app


@pytest.fixture
def readers(member_factory):
    return {name: member_factory(first_name=name.title(), email=f"{name}@example.org", email_updates=True)
            for name in ("ana", "ben")}


@pytest.fixture
def sns(configured):
    signer = SnsSigner()   # a key of its own per test: the app caches certificates by URL and fetcher
    configured.config["SNS_CERTIFICATE_FETCHER"] = signer.fetch
    return signer


def nothing_recorded(db) -> bool:
    return (db.session.scalar(select(func.count()).select_from(DeliveryEvent)) == 0
            and db.session.scalar(select(func.count()).select_from(Suppression)) == 0)


def suppression_of(db, address: str) -> Suppression | None:
    return db.session.scalar(select(Suppression).where(Suppression.address == address,
                                                       Suppression.lifted_at.is_(None)))


def test_a_signed_hard_bounce_suppresses_the_address_and_the_next_send_skips_it(
        db, client, configured, readers, staff, make_mailing, run_worker):
    first = make_mailing()
    sending.send(first.id, staff)
    run_worker()
    sent = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "ben@example.org"))
    response = post_generic(client, [generic_event("evt-1", "hard_bounce", "Ben@Example.org",
                                                   message_id=sent.message_id, detail="550 5.1.1 user unknown")])
    assert response.status_code == 200 and response.json == {"received": 1, "recorded": 1}
    assert suppression_of(db, "ben@example.org").reason == SuppressionReason.HARD_BOUNCE
    event = db.session.scalar(select(DeliveryEvent))
    assert (event.outbox_message_id, event.mailing_id) == (sent.id, first.id)   # the report counts it
    second = make_mailing(subject="Second alert")
    assert sending.check_ready(second) == 1
    sending.send(second.id, staff)
    assert [m["To"] for m in run_worker().messages if m["Subject"] == "Second alert"] == ["ana@example.org"]


@pytest.mark.parametrize("tamper", ["wrong secret", "altered body", "stale", "no header"])
def test_an_unproven_generic_webhook_is_refused_and_changes_nothing(db, client, configured, readers, tamper):
    events = [generic_event("evt-1", "hard_bounce", "ana@example.org")]
    if tamper == "wrong secret":
        response = post_generic(client, events, secret="not-the-secret")
    elif tamper == "stale":
        response = post_generic(client, events, at=int(time.time()) - 301)
    else:
        body = json.dumps({"events": events}).encode()
        header = {} if tamper == "no header" else {"X-Leap-Signature": sign(WEBHOOK_SECRET, body, int(time.time()))}
        response = client.post("/webhooks/email/generic", data=body.replace(b"ana@", b"ben@"),
                               content_type="application/json", headers=header)
    assert response.status_code == 401
    assert nothing_recorded(db)


def test_without_a_secret_the_generic_webhook_refuses_everything(db, client, app):
    assert post_generic(client, [generic_event("evt-1", "hard_bounce", "ana@example.org")]).status_code == 403
    assert nothing_recorded(db)


def test_the_same_event_delivered_again_is_one_row(db, client, configured, readers):
    events = [generic_event("evt-1", "complaint", "ana@example.org")]
    assert post_generic(client, events).json["recorded"] == 1
    assert post_generic(client, events).json == {"received": 1, "recorded": 0}
    assert db.session.scalar(select(func.count()).select_from(DeliveryEvent)) == 1
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 1


@pytest.mark.parametrize("events", [
    "not a list",
    [{"id": "e", "type": "bounced", "email": "ana@example.org", "occurred_at": "2026-03-02T10:00:00Z"}],
    [{"id": "e", "type": "hard_bounce", "email": "nobody", "occurred_at": "2026-03-02T10:00:00Z"}],
    [{"id": "e", "type": "hard_bounce", "email": "ana@example.org", "occurred_at": "last Tuesday"}],
    [{"id": "e", "type": "hard_bounce", "email": "ana@example.org", "occurred_at": "9999-12-31T23:59:59-05:00"}],
    [{"id": "e", "type": "hard_bounce", "email": "ana\x00@example.org", "occurred_at": "2026-03-02T10:00:00Z"}],
    [{"type": "hard_bounce", "email": "ana@example.org", "occurred_at": "2026-03-02T10:00:00Z"}],
])
def test_a_signed_but_malformed_body_is_400_and_records_nothing(db, client, configured, events):
    body = json.dumps({"events": events}).encode()
    response = client.post("/webhooks/email/generic", data=body, content_type="application/json",
                           headers={"X-Leap-Signature": sign(WEBHOOK_SECRET, body, int(time.time()))})
    assert response.status_code == 400
    assert nothing_recorded(db)


def test_a_nul_in_a_report_s_id_or_detail_is_dropped_not_a_server_error(db, client, configured):
    # PostgreSQL refuses NUL in text; a 5xx would make the provider deliver the report again for ever.
    event = generic_event("evt\x00-1", "hard_bounce", "ana@example.org", detail="550\x00 user unknown")
    assert post_generic(client, [event]).status_code == 200
    assert db.session.scalar(select(DeliveryEvent.source_key)) == "generic:evt-1"
    assert suppression_of(db, "ana@example.org").detail == "550 user unknown"


def test_an_unknown_provider_is_not_found(client, configured):
    assert client.post("/webhooks/email/mailchimp", json={}).status_code == 404


def test_a_postmark_hard_bounce_and_spam_complaint_suppress(db, client, configured, readers):
    auth = ("postmark", "a long webhook password")
    response = client.post("/webhooks/email/postmark", json=postmark_bounce("ana@example.org"), auth=auth)
    assert response.status_code == 200 and response.json["recorded"] == 1
    complaint = postmark_bounce("ben@example.org", record_type="SpamComplaint", kind="SpamComplaint", event_id=77)
    assert client.post("/webhooks/email/postmark", json=complaint, auth=auth).json["recorded"] == 1
    assert suppression_of(db, "ana@example.org").reason == SuppressionReason.HARD_BOUNCE
    assert suppression_of(db, "ben@example.org").reason == SuppressionReason.COMPLAINT
    assert "unable to deliver" in suppression_of(db, "ana@example.org").detail


def test_a_postmark_soft_bounce_is_recorded_without_suppressing_and_an_auto_reply_is_ignored(
        db, client, configured, readers):
    auth = ("postmark", "a long webhook password")
    soft = postmark_bounce("ana@example.org", kind="SoftBounce")
    assert client.post("/webhooks/email/postmark", json=soft, auth=auth).json["recorded"] == 1
    reply = postmark_bounce("ben@example.org", kind="AutoResponder", event_id=2)
    assert client.post("/webhooks/email/postmark", json=reply, auth=auth).json == {"received": 0, "recorded": 0}
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 0


@pytest.mark.parametrize("auth", [None, ("postmark", "wrong"), ("someone", "a long webhook password")])
def test_postmark_without_the_right_credentials_gets_401(db, client, configured, auth):
    response = client.post("/webhooks/email/postmark", json=postmark_bounce("ana@example.org"), auth=auth)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Basic")
    assert nothing_recorded(db)


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_signed_ses_bounce_through_sns_suppresses(db, client, sns, readers, version):
    response = post_sns(client, sns.envelope(ses_bounce("ana@example.org"), version=version))
    assert response.status_code == 200 and response.json["recorded"] == 1
    assert suppression_of(db, "ana@example.org").reason == SuppressionReason.HARD_BOUNCE
    assert sns.fetched and all(url.startswith("https://sns.us-east-1.amazonaws.com/") for url in sns.fetched)


def test_an_ses_complaint_and_a_transient_bounce(db, client, sns, readers):
    assert post_sns(client, sns.envelope(ses_complaint("ben@example.org"))).json["recorded"] == 1
    transient = ses_bounce("ana@example.org", bounce_type="Transient", feedback_id="soft-1")
    assert post_sns(client, sns.envelope(transient)).json["recorded"] == 1
    assert suppression_of(db, "ben@example.org").reason == SuppressionReason.COMPLAINT
    assert suppression_of(db, "ana@example.org") is None


def test_an_ses_bounce_names_its_message_by_the_message_id_header(db, client, sns, readers, staff, make_mailing,
                                                                  run_worker):
    mailing = make_mailing()
    sending.send(mailing.id, staff)
    run_worker()
    sent = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "ana@example.org"))
    post_sns(client, sns.envelope(ses_bounce("ana@example.org", message_id=sent.message_id)))
    assert db.session.scalar(select(DeliveryEvent.mailing_id)) == mailing.id


@pytest.mark.parametrize("tamper", ["message", "signature", "certificate host", "http certificate"])
def test_a_tampered_sns_message_is_refused_and_changes_nothing(db, client, sns, readers, tamper):
    envelope = sns.envelope(ses_bounce("ana@example.org"))
    if tamper == "message":
        envelope["Message"] = envelope["Message"].replace("ana@", "ben@")
    elif tamper == "signature":
        envelope["Signature"] = "A" + envelope["Signature"][1:]
    elif tamper == "certificate host":
        envelope["SigningCertURL"] = "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem"
    else:
        envelope["SigningCertURL"] = envelope["SigningCertURL"].replace("https:", "http:")
    assert post_sns(client, envelope).status_code == 403
    assert nothing_recorded(db)


def test_an_sns_message_from_a_topic_not_allowed_is_refused(db, client, sns, readers):
    envelope = sns.envelope(ses_bounce("ana@example.org"), topic="arn:aws:sns:us-east-1:999999999999:other")
    assert post_sns(client, envelope).status_code == 403
    assert nothing_recorded(db) and sns.fetched == []   # refused before any certificate is fetched


def test_a_subscription_confirmation_is_logged_for_an_operator_and_not_fetched(db, client, sns, caplog):
    envelope = sns.envelope("You have chosen to subscribe to the topic.", kind="SubscriptionConfirmation")
    with caplog.at_level(logging.WARNING):
        response = post_sns(client, envelope)
    assert response.status_code == 200
    assert envelope["SubscribeURL"] in caplog.text
    assert sns.fetched == [envelope["SigningCertURL"]]   # only the certificate, never the SubscribeURL


def test_a_body_that_is_not_an_sns_message_is_400(client, sns):
    assert client.post("/webhooks/email/ses", data=b"{not json", content_type="text/plain").status_code == 400
    assert client.post("/webhooks/email/ses", data=b'{"Type": "Other"}', content_type="text/plain"
                       ).status_code == 400
