"""Send what the outbox holds over SMTP, with retries and back-off."""
import smtplib
from collections.abc import Callable
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import update

from ..core.leases import Lease
from ..core.timeutil import backoff, utcnow
from ..extensions import db
from .models import OutboxMessage


def send_pending(limit: int = 100, keep_going: Callable[[], bool] = lambda: True) -> tuple[int, int]:
    """Send due messages until ``keep_going`` says stop; return (sent, failed attempts).

    Messages are first leased and built in a short transaction (core/leases.py), then sent with no
    transaction open (on SQLite, no write lock held while SMTP answers), each marked in a commit of
    its own. What is left when the worker stops is handed back. A crash between sending and
    marking means a resend after the lease, with the same Message-ID, never a loss.
    """
    cfg = current_app.config
    lease = Lease(OutboxMessage, OutboxMessage.next_attempt_at)
    due = [OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None), OutboxMessage.next_attempt_at <= utcnow()]
    built = [(message.id, _build(message, cfg["MAIL_FROM"])) for message in lease.take(due, limit, *_BUILT_FROM)]
    if not built:
        return 0, 0
    try:
        return _send_all(built, cfg, lease, keep_going)
    finally:
        lease.hand_back()


def _send_all(built: list[tuple[int, EmailMessage]], cfg, lease: Lease, keep_going) -> tuple[int, int]:
    try:
        smtp = _connect(cfg)
    except (OSError, smtplib.SMTPException) as exc:
        for message_id, _ in built:
            _record_failure(message_id, f"SMTP connection failed: {exc}", cfg["MAIL_MAX_ATTEMPTS"])
            lease.finished(message_id)
        return 0, len(built)
    sent = failed = 0
    try:
        for message_id, email in built:
            if not keep_going():
                break
            lease.keep()
            try:
                smtp.send_message(email)
            except (OSError, smtplib.SMTPException) as exc:
                _record_failure(message_id, str(exc), cfg["MAIL_MAX_ATTEMPTS"])
                failed += 1
            else:
                db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
                    sent_at=utcnow(), attempts=OutboxMessage.attempts + 1, last_error=None))
                db.session.commit()
                sent += 1
            lease.finished(message_id)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent, failed


def _connect(cfg) -> smtplib.SMTP:
    smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=20)
    if cfg["SMTP_STARTTLS"]:
        smtp.starttls()
    if cfg["SMTP_USERNAME"]:
        smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
    return smtp


# What _build reads of a message, returned by the lease itself.
_BUILT_FROM = (OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html,
               OutboxMessage.reply_to, OutboxMessage.message_id)


def _build(message, sender: str) -> EmailMessage:
    """The e-mail of a leased message (a row with the id and _BUILT_FROM)."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def _record_failure(message_id: int, error: str, max_attempts: int) -> None:
    message = db.session.get_one(OutboxMessage, message_id)
    message.attempts += 1
    message.last_error = error[:2000]
    if message.attempts >= max_attempts:
        message.failed_at = utcnow()
    else:
        message.next_attempt_at = utcnow() + backoff(message.attempts)
    db.session.commit()
