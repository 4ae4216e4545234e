"""The outbox: mail is kept with the change that caused it, and sent with retries."""
import smtplib
from datetime import timedelta

import pytest
from sqlalchemy import select

from leap_members.core.timeutil import utcnow
from leap_members.mail.models import OutboxMessage
from leap_members.mail.sender import send_pending
from leap_members.mail.services import queue_email
from tests.support.smtp import body_of, free_port


def queue(db, to="reader@example.org", **kwargs):
    from leap_members.members.models import Member

    member = Member(first_name="Ria")
    message = queue_email(to, "Confirm", "confirm_email", kind="test", member=member, link="http://x/1", **kwargs)
    db.session.commit()
    return message


def test_a_rolled_back_change_sends_no_mail(db, deliver):
    queue_email("ghost@example.org", "Hello", "email_change_notice", kind="test",
                member=type("M", (), {"first_name": "G"}), new_email="x@example.org")
    db.session.rollback()
    assert db.session.scalar(select(OutboxMessage)) is None
    assert deliver().to("ghost@example.org") == []


def test_worker_delivers_queued_mail_over_smtp(db, deliver):
    message = queue(db)
    inbox = deliver()
    received = inbox.last_to("reader@example.org")
    assert received["Subject"] == "Confirm"
    assert "http://x/1" in body_of(received)
    db.session.refresh(message)
    assert message.sent_at is not None and message.attempts == 1


def test_worker_sends_each_message_once(db, deliver):
    queue(db)
    deliver()
    inbox = deliver()
    assert len(inbox.to("reader@example.org")) == 1


def test_mail_waits_in_the_outbox_while_smtp_is_down_and_goes_when_it_is_back(app, db, deliver):
    message = queue(db)
    smtp_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    assert send_pending() == (0, 1)
    db.session.refresh(message)
    assert message.sent_at is None and message.attempts == 1 and "connection" in message.last_error
    assert message.next_attempt_at > utcnow()

    app.config["SMTP_PORT"] = smtp_port
    assert deliver().to("reader@example.org") == []  # not due yet: back-off
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert len(deliver().to("reader@example.org")) == 1


def test_mail_is_marked_failed_after_the_last_attempt(app, db):
    app.config["SMTP_PORT"] = free_port()
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    message = queue(db)
    for _ in range(2):
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        send_pending()
    db.session.refresh(message)
    assert message.failed_at is not None and message.state == "failed"


def test_dedupe_key_queues_a_message_only_once(db):
    queue(db, dedupe_key="receipt:1")
    assert queue(db, dedupe_key="receipt:1") is None
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1


def test_send_mail_command_reports_what_it_sent(db, runner, inbox):
    queue(db)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0
    assert "sent 1, failed 0" in result.output


def test_development_inbox_shows_queued_mail_only_in_development(app_factory):
    dev = app_factory(DEV_INBOX=True)
    prod = app_factory()
    with dev.app_context():
        from leap_members.extensions import db
        queue(db, to="dev@example.org")
    page = dev.test_client().get("/dev/mail/")
    assert page.status_code == 200 and "dev@example.org" in page.get_data(as_text=True)
    assert prod.test_client().get("/dev/mail/").status_code == 404


class Stopped(BaseException):
    """The worker stopped (a signal's grace ran out) just after the SMTP server accepted a message."""


def test_a_message_resent_after_the_worker_stopped_mid_send_carries_the_same_message_id(db, inbox, monkeypatch):
    first, second = queue(db, to="first@example.org"), queue(db, to="second@example.org")
    real_send = smtplib.SMTP.send_message

    def accepted_then_stopped(smtp, email, *args, **kwargs):
        real_send(smtp, email, *args, **kwargs)
        raise Stopped

    monkeypatch.setattr(smtplib.SMTP, "send_message", accepted_then_stopped)
    with pytest.raises(Stopped):
        send_pending()
    monkeypatch.undo()
    db.session.expire_all()
    # Not marked sent, and handed back: due at once, not at the end of a lease.
    rows = {row.to_address: row for row in db.session.scalars(select(OutboxMessage))}
    assert rows["first@example.org"].sent_at is None and rows["first@example.org"].next_attempt_at <= utcnow()
    assert rows["second@example.org"].next_attempt_at <= utcnow()

    assert send_pending() == (2, 0)
    copies = inbox.to("first@example.org")
    assert len(copies) == 2
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"] == first.message_id
    assert [m["Message-ID"] for m in inbox.to("second@example.org")] == [second.message_id]
    assert first.message_id != second.message_id and first.message_id.endswith("@leap.example>")
