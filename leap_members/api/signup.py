"""Writing people: the person signup helper (match, then update or create) and updating one person.

Matching: by e-mail address (members' addresses are kept lower-case), then, only when the request
gives no address, by phone digits (the earliest record with them). A request whose address nobody
has makes a new person even if another person has its phone number: we keep one address per member
and it is their login, so a shared household phone must never hand one member's record to another.

Two requests for one new address at the same moment make one person: the unique address is the
check, and the loser of the race updates the winner's record. A request without an address never
makes a person, so phone matching cannot race into duplicates; two updates of one person run one
after the other (the record is locked while it changes).

E-mail status: ``subscribed`` and ``unsubscribed`` set the member's e-mail updates, with a consent
row naming the key; the other statuses (bouncing, spam complaint, previous ...) are our own bounce
handling's to set and are accepted and ignored, as Action Network ignores them. A new person is
subscribed only when the request says so or the key's ``subscribe_new_people`` is set.
"""
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..admin.audit import describe, record_event
from ..core.signals import member_email_changed, member_joined
from ..core.timeutil import utcnow
from ..extensions import db
from ..mail.services import queue_email
from ..members.models import Member, MembershipStatus, Verification
from ..members.services import ConsentContext, record_consent, send_confirmation
from ..outreach.models import EmailStatus
from ..outreach.tags import add_tag, remove_tag, tags_named
from .auth import actor
from .models import ApiKey
from .person_fields import MAX_CUSTOM_FIELDS, PersonChanges

NEW_PERSON_CATEGORY = "citizen"
TICK = timedelta(milliseconds=1)   # modified_date is given to the millisecond
# FOR NO KEY UPDATE: a tagging or a gift written meanwhile only checks the row exists, and need not wait.
LOCK = {"key_share": True}   # PostgreSQL: FOR NO KEY UPDATE


def sign_up_person(changes: PersonChanges, key: ApiKey) -> tuple[Member, bool]:
    """The person the request names, updated, or made; and whether they were made."""
    member, matched_by = match(changes)
    if member is None:
        _check_new(changes)
        member = _insert(changes, key)
        if member is not None:
            _after_insert(member, changes, key)
            return member, True
        member, matched_by = match(changes)   # someone made them a moment ago: update theirs
        if member is None:
            abort(409, "Another request is writing this person; try again.")
    update_person(member, changes, key, matched_by=matched_by)
    return member, False


def match(changes: PersonChanges) -> tuple[Member | None, str | None]:
    """The listed person with one of the request's addresses, else (no address given) with its phone."""
    listed = Member.status != MembershipStatus.MERGED
    for given in changes.emails:
        found = _locked(select(Member).where(Member.email == given.address, listed))
        if found is not None:
            return found, "email"
    if not changes.emails and changes.phone_digits:
        found = _locked(select(Member).where(Member.phone_digits == changes.phone_digits, listed)
                        .order_by(Member.id).limit(1))
        if found is not None:
            return found, "phone"
    return None, None


def _locked(query) -> Member | None:
    return db.session.scalar(query.with_for_update(**LOCK).execution_options(populate_existing=True))


def lock(member: Member) -> Member:
    """The member read again and locked until commit, so a second update of them reads this one's result."""
    db.session.refresh(member, with_for_update=LOCK)
    return member


def _check_new(changes: PersonChanges) -> None:
    if not changes.emails and changes.phone:
        abort(400, f"Nobody has the phone number {changes.phone}, and a new person needs an e-mail address "
                   "(email_addresses).")
    if not changes.emails:
        abort(400, "Give the person's e-mail address (email_addresses) or phone number (phone_numbers).")
    missing = [name for name in ("given_name", "family_name") if not getattr(changes, name)]
    if missing:
        abort(400, f"A new person needs a {' and a '.join(missing)}.")


def _insert(changes: PersonChanges, key: ApiKey) -> Member | None:
    """The new member, or None if their address was taken a moment ago."""
    given = changes.emails[0]
    now = utcnow()
    status = given.status if given.status in (EmailStatus.SUBSCRIBED, EmailStatus.UNSUBSCRIBED) else None
    member = Member(email=given.address, password_hash=None, first_name=changes.given_name,
                    last_name=changes.family_name, city=changes.city or "", state=changes.state or "",
                    zip_code=changes.zip_code or "", phone=changes.phone or None, category=NEW_PERSON_CATEGORY,
                    verification=Verification.NOT_APPLICABLE, email_confirmed_at=None,
                    email_updates=status == EmailStatus.SUBSCRIBED or (status is None and key.subscribe_new_people),
                    custom_fields={name: value for name, value in changes.custom_fields.items() if value is not None},
                    created_at=now, updated_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(member)
            db.session.flush()
    except IntegrityError:
        return None
    return member


def _after_insert(member: Member, changes: PersonChanges, key: ApiKey) -> None:
    if member.email_updates or changes.emails[0].status == EmailStatus.UNSUBSCRIBED:
        _record_choice(member, key)
    added, _ = _retag(member, changes, key)
    record_event("api", f"Added {describe(member)} through the API", member_id=member.id,
                 details={"created": True, "email_updates": member.email_updates, "tags_added": added},
                 actor=actor())
    member_joined.send(member)


def update_person(member: Member, changes: PersonChanges, key: ApiKey, *, matched_by: str | None = None) -> None:
    """Change what the request gives and leave the rest; an address the member does not have yet
    (PUT) replaces theirs. Every update moves modified_date on."""
    before, old_email = member.updated_at, member.email
    custom_fields = _merged_custom_fields(member, changes.custom_fields)
    kept = next((given for given in changes.emails if given.address == member.email), None)
    new_email = changes.emails[0] if changes.emails and kept is None else None
    if new_email is not None:
        _check_email_free(member, new_email.address)
    # Tags first: their locks are taken before the address change locks the member's key
    # (members/tags deadlock otherwise with a tagging written at the same moment).
    added, removed = _retag(member, changes, key)
    changed = [name for name, value in _profile(changes).items() if value is not None and _set(member, name, value)]
    if custom_fields != (member.custom_fields or {}):
        member.custom_fields = custom_fields   # a new dict: the JSON column sees a change only when assigned
        changed.append("custom_fields")
    given = kept or new_email
    if given is not None and _set_email_updates(member, given.status, key):
        changed.append("email_updates")
    details: dict = {"created": False, "matched_by": matched_by, "fields": changed,
                     "tags_added": added, "tags_removed": removed}
    if new_email is not None:
        _change_email(member, new_email.address)
        details.update(old_email=old_email, new_email=member.email)
        _tell_of_new_email(member, old_email, key)
    member.updated_at = _later_than(before)
    record_event("api", f"Updated {describe(member)} through the API", member_id=member.id, details=details,
                 actor=actor())


def _profile(changes: PersonChanges) -> dict:
    return {"first_name": changes.given_name, "last_name": changes.family_name, "phone": changes.phone,
            "city": changes.city, "state": changes.state, "zip_code": changes.zip_code}


def _set(member: Member, name: str, value: str) -> bool:
    """Whether the member's ``name`` changed to ``value`` ("" clears a phone number to none)."""
    kept = (value or None) if name == "phone" else value
    if getattr(member, name) == kept:
        return False
    setattr(member, name, kept)
    return True


def _merged_custom_fields(member: Member, given: dict) -> dict:
    """Key by key: a value replaces that field's, null removes it, fields not named stay."""
    merged = dict(member.custom_fields or {})
    for name, value in given.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    if len(merged) > MAX_CUSTOM_FIELDS:
        abort(400, f"A person can have at most {MAX_CUSTOM_FIELDS} custom fields; send null to remove some.")
    return merged


def _set_email_updates(member: Member, status: str | None, key: ApiKey) -> bool:
    """``subscribed`` and ``unsubscribed`` choose; the statuses bounces set are ignored."""
    wanted = {EmailStatus.SUBSCRIBED: True, EmailStatus.UNSUBSCRIBED: False}.get(status or "")
    if wanted is None or wanted == member.email_updates:
        return False
    member.email_updates = wanted
    _record_choice(member, key)
    return True


def _record_choice(member: Member, key: ApiKey) -> None:
    verb = "Subscribed" if member.email_updates else "Unsubscribed"
    record_consent(member, member.email_updates, ConsentContext(source=f"API: {key.name}", ip_address=None),
                   wording=f"{verb} through the API by {key.label}")


def _check_email_free(member: Member, address: str) -> None:
    """Staff accounts keep their address (it is how they log in to the console); another person's
    address cannot be given to this one."""
    if member.is_staff:
        abort(403, "The e-mail address of a staff account cannot be changed through the API.")
    if db.session.scalar(select(Member.id).where(Member.email == address, Member.id != member.id)) is not None:
        abort(409, f"Another person already has the e-mail address {address}.")


def _change_email(member: Member, address: str) -> None:
    """The new address, unconfirmed until its owner confirms it (no bulk mail till then)."""
    member.email, member.pending_email, member.email_confirmed_at = address, None, None
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:   # taken a moment ago
        abort(409, f"Another person already has the e-mail address {address}.")
    member_email_changed.send(member)   # e.g. the Stripe customer's address follows


def _tell_of_new_email(member: Member, old_email: str, key: ApiKey) -> None:
    """A member who logs in hears of it at the old address and can confirm the new one."""
    if member.password_hash is None:
        return
    queue_email(old_email, "Your LEAP e-mail address was changed", "api_email_changed", kind="email-change-notice",
                member=member, new_email=member.email, tool=key.name)
    send_confirmation(member, member.email)


def _retag(member: Member, changes: PersonChanges, key: ApiKey) -> tuple[list[str], list[str]]:
    """Put on and take off the tags named (unknown names ignored), one tag at a time in the order
    they were made, so two requests lock the same tags in the same order."""
    adding = {name.lower() for name in changes.add_tags}
    added, removed = [], []
    source = f"API: {key.name}"
    for tag in tags_named([*changes.add_tags, *changes.remove_tags]):
        if tag.name.lower() in adding:
            if add_tag(tag, [Member.id == member.id], None, source):
                added.append(tag.name)
        elif remove_tag(tag, [Member.id == member.id], None, source):
            removed.append(tag.name)
    return added, removed


def _later_than(moment: datetime) -> datetime:
    return max(utcnow(), moment + TICK)
