"""Member accounts: registration, confirmation, login, passwords, profile."""
import hashlib
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.links import public_link
from ..core.passwords import hash_password, needs_rehash, verify_password
from ..core.signals import member_email_changed, member_joined
from ..core.timeutil import utcnow
from ..core.tokens import TokenError, make_token, read_token
from ..extensions import db
from ..mail.services import queue_email
from .categories import CATEGORIES
from .forms import EMAIL_UPDATES_WORDING, normalise_email
from .models import Consent, Member, Verification

CONFIRM_PURPOSE = "confirm-email"
RESET_PURPOSE = "reset-password"

PROFILE_FIELDS = ("first_name", "last_name", "city", "state", "zip_code", "phone", "category",
                  "organisation", "role_title", "years_of_service", "affiliation_private")
PROFESSIONAL_FACTS = ("category", "organisation", "role_title", "years_of_service")


class EmailTaken(ValueError):
    """Another member already uses this e-mail address."""


@dataclass
class ConsentContext:
    source: str
    ip_address: str | None


def find_by_email(email: str) -> Member | None:
    try:
        email = normalise_email(email)
    except EmailNotValidError:
        return None
    return db.session.scalar(select(Member).where(Member.email == email))


def register_member(fields: dict, password: str, email_updates: bool, consent: ConsentContext) -> Member:
    """Create an unconfirmed member and queue the confirmation e-mail.

    ``fields`` holds only profile fields and ``email``; anything else is ignored.
    Raises EmailTaken if the address is in use, even when two requests race; the caller
    then rolls back.
    """
    email = normalise_email(fields["email"])
    # Hash before the first query: on SQLite the write lock is held from the first
    # statement of a POST, and hashing is the slow part of a signup.
    password_hash = hash_password(password)
    member = Member(email=email, password_hash=password_hash, email_updates=email_updates,
                    **{name: fields.get(name) for name in PROFILE_FIELDS})
    member.verification = Verification.PENDING if member.is_professional else Verification.NOT_APPLICABLE
    db.session.add(member)
    try:
        # The unique address is the check: no query first, and two requests racing for one
        # address cannot both pass it. The caller rolls back on EmailTaken.
        db.session.flush()
    except IntegrityError as exc:
        raise EmailTaken(email) from exc
    record_consent(member, email_updates, consent)
    send_confirmation(member, member.email)
    member_joined.send(member)
    return member


def record_consent(member: Member, granted: bool, context: ConsentContext,
                   wording: str = EMAIL_UPDATES_WORDING) -> None:
    """``wording``: what the member agreed to, or how the choice reached us when they saw no words of ours."""
    # By id, not through member.consents: that would make the next flush walk every
    # relationship of Member (a tenth of a signup's time besides the password hash).
    db.session.add(Consent(member_id=member.id, kind="email_updates", granted=granted,
                           wording=wording, source=context.source[:200],
                           ip_address=context.ip_address))


def tell_of_second_signup(email: str) -> None:
    """E-mail the account's owner that someone tried to join with their address."""
    _tell_owner(email, "Someone tried to join LEAP with your e-mail address", "second_signup",
                login_link=public_link("members.login"), reset_link=public_link("members.reset_request"))


def tell_of_paused_login(email: str) -> None:
    """E-mail the account's owner that logging in is paused after many failed attempts."""
    _tell_owner(email, "Logging in to your LEAP account is paused", "login_paused",
                reset_link=public_link("members.reset_request"))


def _tell_owner(email: str, subject: str, template: str, **links: Any) -> None:
    """A notice to the owner of ``email``'s account, if there is one: at most one an hour of each
    kind, so nobody can fill a member's inbox with them."""
    member = find_by_email(email)
    if member is None:
        return
    kind = template.replace("_", "-")
    queue_email(member.email, subject, template, kind=kind, member=member,
                dedupe_key=f"{kind}:{member.id}:{utcnow():%Y%m%d%H}", **links)


def send_confirmation(member: Member, address: str) -> None:
    token = make_token(CONFIRM_PURPOSE, {"id": member.id, "email": address})
    queue_email(address, "Confirm your e-mail address for LEAP", "confirm_email", kind="confirm-email",
                member=member, link=public_link("members.confirm_email", token=token))


def read_confirmation(token: str, max_age: int) -> tuple[Member, str]:
    """The member and address a confirmation link is for. Raises TokenError."""
    data = read_token(CONFIRM_PURPOSE, token, max_age)
    member = db.session.get(Member, data.get("id"))
    address = data.get("email")
    if member is None or not isinstance(address, str) or address not in (member.email, member.pending_email):
        raise TokenError(expired=False)
    return member, address


def confirm_email(member: Member, address: str) -> None:
    """Mark ``address`` confirmed; a pending new address replaces the old one."""
    if address != member.email:
        if find_by_email(address):
            raise EmailTaken(address)
        member.email = address
        member.pending_email = None
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError as exc:
            raise EmailTaken(address) from exc
        member.email_confirmed_at = utcnow()
        member_email_changed.send(member)
    elif member.email_confirmed_at is None:
        member.email_confirmed_at = utcnow()


def authenticate(email: str, password: str) -> Member | None:
    """The member with these credentials, or None (same time spent either way)."""
    member = find_by_email(email)
    if not verify_password(member.password_hash if member else None, password) or member is None:
        return None
    if member.password_hash and needs_rehash(member.password_hash):
        member.password_hash = hash_password(password)
    return member


def record_login(member: Member) -> None:
    member.last_login_at = utcnow()


def request_password_reset(email: str) -> None:
    """Queue a reset link if the address belongs to a member; say nothing either way."""
    member = find_by_email(email)
    if member is None or not member.is_active:
        return
    token = make_token(RESET_PURPOSE, {"id": member.id, "pw": _password_fingerprint(member)})
    queue_email(member.email, "Reset your LEAP password", "reset_password", kind="reset-password",
                member=member, link=public_link("members.reset_password", token=token))


def read_reset_token(token: str, max_age: int) -> Member:
    """The member a reset link is for; a used link no longer matches. Raises TokenError."""
    data = read_token(RESET_PURPOSE, token, max_age)
    member = db.session.get(Member, data.get("id"))
    if member is None or data.get("pw") != _password_fingerprint(member):
        raise TokenError(expired=False)
    return member


def set_password(member: Member, password: str) -> None:
    """Store a new password and end every session of the member."""
    member.password_hash = hash_password(password)
    member.end_all_sessions()


def _password_fingerprint(member: Member) -> str:
    return hashlib.sha256((member.password_hash or "").encode()).hexdigest()[:16]


def update_profile(member: Member, fields: dict, email_updates: bool, consent: ConsentContext) -> None:
    """Copy declared profile fields; changed professional facts go back to staff review."""
    facts_before = tuple(getattr(member, name) for name in PROFESSIONAL_FACTS)
    for name in PROFILE_FIELDS:
        setattr(member, name, fields.get(name))
    if facts_before != tuple(getattr(member, name) for name in PROFESSIONAL_FACTS):
        member.verification = (Verification.PENDING if CATEGORIES[member.category].professional
                               else Verification.NOT_APPLICABLE)
        member.verified_at = None
    if email_updates != member.email_updates:
        member.email_updates = email_updates
        record_consent(member, email_updates, consent)


def request_email_change(member: Member, new_email: str) -> None:
    """Keep the new address pending and send it a confirmation link."""
    new_email = normalise_email(new_email)
    if new_email == member.email:
        return
    if find_by_email(new_email):
        raise EmailTaken(new_email)
    member.pending_email = new_email
    send_confirmation(member, new_email)
    queue_email(member.email, "Your LEAP e-mail address is changing", "email_change_notice",
                kind="email-change-notice", member=member, new_email=new_email)
