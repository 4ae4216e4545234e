"""Signatures and attendances: members' sign-ups, read a page at a time, and recorded through the
same service as the member pages (advocacy/services.sign_up), so closing dates, who may take part,
capacity and the waiting list hold exactly as they do there.

A repeated request for someone already taking part answers with their sign-up as it is (200): a
sync tool that sends the same signature twice makes one row.
"""
from collections.abc import Iterable, Sequence

from flask import abort
from sqlalchemy import select

from ..admin.audit import describe, record_event
from ..advocacy.forms import COMMENT_MAX
from ..advocacy.models import Action, ActionSignup, ActionStatus, SignupStatus
from ..advocacy.services import AlreadySignedUp, NotEligible, SignupError, sign_up, signup_for
from ..extensions import db
from ..members.models import Member
from .auth import actor, current_key
from .checks import json_object, text
from .hal import dates, identifiers, iso
from .lookup import find, person_from_link
from .odata import Filterable
from .person_fields import PersonChanges, read_person, tag_names
from .signup import lock, sign_up_person, update_person

SIGNUP_FILTERS = {"modified_date": Filterable(ActionSignup.updated_at, "date"),
                  "created_date": Filterable(ActionSignup.created_at, "date")}
# Fields Action Network's helpers take that mean nothing here; accepted so their scripts work unchanged.
IGNORED_FIELDS = frozenset({"identifiers", "origin_system", "triggers", "action_network:referrer_data"})
FIELDS = frozenset({"comments", "person", "_links", "add_tags"}) | IGNORED_FIELDS


def owners(signups: Sequence[ActionSignup]) -> dict[int, tuple[str, str]]:
    """(action uuid, person uuid) of each sign-up, in one query for the page."""
    if not signups:
        return {}
    rows = db.session.execute(select(ActionSignup.id, Action.uuid, Member.uuid)
                              .join(Action, Action.id == ActionSignup.action_id)
                              .join(Member, Member.id == ActionSignup.member_id)
                              .where(ActionSignup.id.in_([s.id for s in signups])))
    return {signup_id: (action_uuid, person_uuid) for signup_id, action_uuid, person_uuid in rows}


def signup_fields(signup: ActionSignup) -> dict:
    return {"identifiers": identifiers(signup.uuid), **dates(signup)}


def find_signup(action: Action, uuid: str, noun: str, statuses: Iterable[str]) -> ActionSignup:
    return find(ActionSignup, uuid, noun, ActionSignup.action_id == action.id,
                ActionSignup.status.in_(tuple(statuses)))


def person_for(body: dict) -> Member:
    """The person a sign-up is for: named by an ``osdi:person`` link, or an embedded ``person`` matched
    or made by the person signup helper (api/signup.py), with ``add_tags`` put on them either way."""
    tags = tag_names(body, "add_tags")
    links = body.get("_links")
    if links is not None and (not isinstance(links, dict) or "osdi:person" in links):
        member = person_from_link(links)
        if tags:
            update_person(lock(member), PersonChanges(add_tags=tags), current_key())
        return member
    person = body.get("person")
    if person is None:
        abort(400, "Name the person with _links: {\"osdi:person\": {\"href\": \".../people/<id>\"}}, "
                   "or embed a person with email_addresses.")
    changes = read_person(json_object(person, "person"), "person.")
    changes.add_tags = tags
    member, _ = sign_up_person(changes, current_key())
    return member


def take_part(action: Action, noun: str, body: dict, listed: frozenset[str]) -> tuple[ActionSignup, bool]:
    """Sign ``body``'s person up for ``action`` and commit; (their sign-up, whether it is new).

    ``listed`` are the statuses the API shows as this kind of sign-up: someone already in one of
    them gets their sign-up back unchanged."""
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        abort(400, f"Unknown field {unknown[0][:60]!r}: a {noun} sign-up takes {', '.join(sorted(FIELDS - IGNORED_FIELDS))}.")
    comment = text(body.get("comments"), "comments", COMMENT_MAX) or None
    member = person_for(body)
    existing = signup_for(action.id, member.id)
    if existing is not None and existing.status in listed:
        db.session.commit()   # what the request said about the person (tags, a matched person's details)
        return existing, False
    try:
        signup = sign_up(action, member, {"comment": comment})
    except SignupError as error:
        db.session.rollback()
        existing = signup_for(action.id, member.id)
        if isinstance(error, AlreadySignedUp) and existing is not None and existing.status in listed:
            return existing, False      # a request for the same person got there first
        status, message = _refusal(action, noun, error, existing)
        abort(status, message)
    record_event("api", f"Signed {describe(member)} up for the {noun} “{action.title}” ({signup.status})",
                 member_id=member.id, details={"action": action.uuid, "signup": signup.uuid, "status": signup.status},
                 actor=actor())
    db.session.commit()
    return signup, True


def _refusal(action: Action, noun: str, error: SignupError, existing: ActionSignup | None) -> tuple[int, str]:
    """The status and words for a refused sign-up: the service's words are written to the member."""
    if isinstance(error, NotEligible):
        return error.status_code, f"This person may not take part. {error.message}"
    if isinstance(error, AlreadySignedUp):
        if existing is not None and existing.status == SignupStatus.REMOVED:
            return error.status_code, "LEAP staff took this person off the event's list; only staff can add them again."
        return error.status_code, error.message
    if action.status != ActionStatus.PUBLISHED:
        state = "still a draft" if action.status == ActionStatus.DRAFT else action.status
        return error.status_code, f"This {noun} is {state}: it takes no sign-ups."
    if action.signup_deadline is not None:
        return error.status_code, f"This {noun} stopped taking sign-ups at {iso(action.signup_deadline)}."
    return error.status_code, error.message
