"""Send what the outbox holds over SMTP, with retries and back-off."""
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import select

from ..core.timeutil import backoff, utcnow
from ..extensions import db
from .models import OutboxMessage


LEASE = timedelta(minutes=10)


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send due messages; return (sent, failed attempts).

    Messages are first claimed in a short transaction (their next attempt moved past a
    lease), then sent with no transaction open, each marked sent in its own commit. A
    crash between sending and marking means a resend after the lease, never a loss.
    """
    cfg = current_app.config
    due = _claim_due(limit)
    if not due:
        return 0, 0
    try:
        smtp = _connect(cfg)
    except (OSError, smtplib.SMTPException) as exc:
        for message in due:
            _record_failure(message, f"SMTP connection failed: {exc}", cfg["MAIL_MAX_ATTEMPTS"])
        db.session.commit()
        return 0, len(due)
    sent = failed = 0
    try:
        for message in due:
            try:
                smtp.send_message(_build(message, cfg["MAIL_FROM"]))
            except (OSError, smtplib.SMTPException) as exc:
                _record_failure(message, str(exc), cfg["MAIL_MAX_ATTEMPTS"])
                failed += 1
            else:
                message.sent_at = utcnow()
                message.attempts += 1
                message.last_error = None
                sent += 1
            db.session.commit()
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent, failed


def _claim_due(limit: int) -> list[OutboxMessage]:
    now = utcnow()
    due = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
               OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for message in due:
        message.next_attempt_at = now + LEASE
    db.session.commit()
    return due


def _connect(cfg) -> smtplib.SMTP:
    smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=20)
    if cfg["SMTP_STARTTLS"]:
        smtp.starttls()
    if cfg["SMTP_USERNAME"]:
        smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
    return smtp


def _build(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}")
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def _record_failure(message: OutboxMessage, error: str, max_attempts: int) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    if message.attempts >= max_attempts:
        message.failed_at = utcnow()
    else:
        message.next_attempt_at = utcnow() + backoff(message.attempts)
