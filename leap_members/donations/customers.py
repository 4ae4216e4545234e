"""The link between a member and their Stripe customer, and keeping its e-mail in step.

A member's e-mail change is written as a pending push in the same transaction as the
change (so it is never lost), then pushed to Stripe right after that transaction commits.
A push that fails stays pending; `flask reconcile-stripe` retries it.
"""
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.signals import member_email_changed
from ..extensions import db
from ..members.models import Member
from . import stripe_client
from .models import StripeCustomer

_PENDING_KEY = "leap_donations_email_push"


def customer_for(member) -> StripeCustomer | None:
    return db.session.scalar(select(StripeCustomer).where(StripeCustomer.member_id == member.id))


def ensure_customer(member) -> str:
    """The member's Stripe customer id, creating the customer at Stripe the first time.

    Raises StripeUnavailable. The creation is idempotent per member, so a retry after a
    failed commit finds the same customer.
    """
    link = customer_for(member)
    if link is not None:
        return link.stripe_customer_id
    customer_id = stripe_client.create_customer(member.email, member.full_name, member.id)
    remember_customer(member.id, customer_id, member.email)
    return customer_id


def remember_customer(member_id: int, customer_id: str, email: str) -> None:
    """Link a member to a Stripe customer unless they already have one (first link wins)."""
    if db.session.scalar(select(StripeCustomer.id).where(
            (StripeCustomer.member_id == member_id) | (StripeCustomer.stripe_customer_id == customer_id))):
        return
    try:
        with db.session.begin_nested():
            db.session.add(StripeCustomer(member_id=member_id, stripe_customer_id=customer_id, email=email))
    except IntegrityError:
        pass   # a concurrent request linked the same member first; its link stands


def on_member_email_changed(member, **_extra) -> None:
    """Mark the member's Stripe customer for an e-mail push once this transaction commits."""
    link = customer_for(member)
    if link is None or link.email == member.email:
        return
    link.email_sync_pending = True
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, set()).add(link.id)


def push_pending_emails(link_ids=None) -> tuple[int, int]:
    """Send pending e-mail changes to Stripe, each recorded in its own small transaction.

    Returns (pushed, failed). Runs outside the caller's session so it can be called after commit.
    """
    pushed = failed = 0
    with db.engine.connect() as connection:
        query = select(StripeCustomer.id, StripeCustomer.stripe_customer_id, StripeCustomer.member_id).where(
            StripeCustomer.email_sync_pending.is_(True))
        if link_ids is not None:
            query = query.where(StripeCustomer.id.in_(link_ids))
        rows = connection.execute(query).all()
    for link_id, customer_id, member_id in rows:
        with db.engine.connect() as connection:
            email = connection.scalar(select(Member.email).where(Member.id == member_id))
        values: dict[str, Any]
        if email is None:   # the member row is gone: nothing to push
            continue
        try:
            stripe_client.update_customer_email(customer_id, email)
        except stripe_client.StripeUnavailable as exc:
            values = {"email_sync_error": str(exc)[:500]}
            failed += 1
        else:
            values = {"email": email, "email_sync_pending": False, "email_sync_error": None}
            pushed += 1
        with db.engine.begin() as connection:
            connection.execute(update(StripeCustomer).where(StripeCustomer.id == link_id).values(**values))
    return pushed, failed


def _after_commit(session: Session) -> None:
    link_ids = session.info.pop(_PENDING_KEY, None)
    if not link_ids or not has_app_context():   # the commit of the request or command that changed it
        return
    try:
        push_pending_emails(link_ids)
    except Exception:  # never break the request that changed the address; the push stays pending
        current_app.logger.exception("Could not push a changed e-mail address to Stripe")


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


_listening = False


def connect_signals() -> None:
    """Listen for member e-mail changes and for commits (once per process)."""
    global _listening
    member_email_changed.connect(on_member_email_changed)
    if not _listening:
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _listening = True
