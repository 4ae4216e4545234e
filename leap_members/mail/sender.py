"""Send what the outbox holds over SMTP, with retries and back-off.

Transactional mail (a password reset) goes first; bulk mail after it, no faster than
MAIL_BULK_PER_MINUTE across all workers, and only while its message is sending (not paused).
"""
import smtplib
from collections.abc import Callable
from datetime import timedelta
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate, parseaddr

from flask import current_app
from sqlalchemy import func, select, update

from ..core.leases import Lease
from ..core.timeutil import backoff, utcnow
from ..extensions import db
from .models import OutboxMessage

Built = tuple[int, Message, str | None]
# Long headers (List-Unsubscribe's links) kept on one line, up to RFC 5322's limit of 998 characters.
UNFOLDED = compat32.clone(max_line_length=998)   # outbox id, the e-mail, its return path


def send_pending(limit: int = 100, keep_going: Callable[[], bool] = lambda: True) -> tuple[int, int]:
    """Send due messages until ``keep_going`` says stop; return (sent, failed attempts).

    Messages are first leased and built in a short transaction (core/leases.py), then sent with no
    transaction open (on SQLite, no write lock held while SMTP answers), each marked in a commit of
    its own. What is left when the worker stops is handed back. A crash between sending and
    marking means a resend after the lease, with the same Message-ID, never a loss.
    """
    from ..outreach import delivery  # bulk mail: who may still get it, rendered for each member

    cfg = current_app.config
    lease = Lease(OutboxMessage, OutboxMessage.next_attempt_at)
    due = [OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
           OutboxMessage.skipped_reason.is_(None), OutboxMessage.next_attempt_at <= utcnow()]
    rows = list(lease.take([*due, OutboxMessage.transactional.is_(True)], limit, *_BUILT_FROM))
    room = min(limit - len(rows), _bulk_allowance(cfg["MAIL_BULK_PER_MINUTE"]))
    if room > 0:
        rows += lease.take([*due, OutboxMessage.transactional.is_(False), delivery.sendable()], room, *_BUILT_FROM)
    if not rows:
        return 0, 0
    try:
        built = delivery.build_all(rows, lambda row: _build(row, cfg["MAIL_FROM"]), lease)
        db.session.commit()
        return _send_all(built, cfg, lease, keep_going)
    finally:
        lease.hand_back()


def _bulk_allowance(per_minute: int) -> int:
    """How many bulk messages may still go this minute, counting what every worker sent."""
    sent = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.transactional.is_(False), OutboxMessage.sent_at > utcnow() - timedelta(minutes=1))) or 0
    return max(0, per_minute - sent)


def _send_all(built: list[Built], cfg, lease: Lease, keep_going) -> tuple[int, int]:
    try:
        smtp = _connect(cfg)
    except (OSError, smtplib.SMTPException) as exc:
        for message_id, _, _ in built:
            _record_failure(message_id, f"SMTP connection failed: {exc}", cfg["MAIL_MAX_ATTEMPTS"])
            lease.finished(message_id)
        return 0, len(built)
    sent = failed = 0
    try:
        for message_id, email, return_path in built:
            if not keep_going():
                break
            lease.keep()
            try:
                smtp.send_message(email, from_addr=return_path)
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
               OutboxMessage.reply_to, OutboxMessage.message_id, OutboxMessage.mailing_id, OutboxMessage.member_id,
               OutboxMessage.transactional)


def _build(message, sender: str) -> Message:
    """The e-mail of a leased message (a row with the id and _BUILT_FROM).

    Built with the email package's compat32 classes: its newer EmailMessage parses and refolds
    every header it is given, which took three quarters of a bulk send's time (5 ms a message).
    Headers that may hold more than ASCII are encoded explicitly (RFC 2047)."""
    text = MIMEText(message.body_text, "plain", "utf-8", policy=UNFOLDED)
    if message.body_html:
        email: Message = MIMEMultipart("alternative", policy=UNFOLDED)
        email.attach(text)
        email.attach(MIMEText(message.body_html, "html", "utf-8", policy=UNFOLDED))
    else:
        email = text
    email["From"] = formataddr(parseaddr(sender))
    email["To"] = message.to_address
    email["Subject"] = header_text(message.subject)
    email["Message-ID"] = message.message_id
    email["Date"] = formatdate(localtime=False)
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    return email


def header_text(value: str) -> str:
    """A header value as it may be sent: as is if ASCII, else RFC 2047 encoded."""
    return value if value.isascii() else Header(value, "utf-8").encode()


def _record_failure(message_id: int, error: str, max_attempts: int) -> None:
    message = db.session.get_one(OutboxMessage, message_id)
    message.attempts += 1
    message.last_error = error[:2000]
    if message.attempts >= max_attempts:
        message.failed_at = utcnow()
    else:
        message.next_attempt_at = utcnow() + backoff(message.attempts)
    db.session.commit()
