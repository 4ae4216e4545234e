"""What a webhook delivers: each new record as the API shows it, in an array as Action Network sends them.

    [{"osdi:signature": {...the signature..., "person": {...}, "_links": {...}},
      "idempotency_key": "signature:<uuid>"}]

A body is made once, when the record is committed, and sent as is on every attempt: the receiver
learns what happened then, even if the record changes or goes before delivery. The idempotency key
names the happening, so a receiver that sees it twice (a retry after a lost answer) ignores the second.
Signatures, attendances and donations carry the person they belong to, as Action Network's do.
"""
import json
from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..advocacy.models import ActionSignup
from ..donations.models import Donation, Kind
from ..extensions import db
from ..members.models import Member
from .hal import dates, identifiers, iso, link
from .models import WebhookEvent
from .people import represent_people

CHUNK = 500   # records represented at once: an import of thousands is read in a few queries


def bodies(kind: str, records: Sequence[Any]) -> list[tuple[Any, str, str]]:
    """(record, idempotency key, JSON body) for each record of one kind."""
    made = []
    for start in range(0, len(records), CHUNK):
        chunk = records[start:start + CHUNK]
        for record, resource in zip(chunk, _with_people(kind, chunk, REPRESENT[kind](chunk)), strict=True):
            key = idempotency_key(kind, record)
            made.append((record, key, json.dumps([{WebhookEvent.OSDI_TYPES[kind]: resource, "idempotency_key": key}],
                                                 ensure_ascii=False, separators=(",", ":"))))
    return made


def idempotency_key(kind: str, record: Any) -> str:
    """The same for every notice of one happening: a person, signature or gift is new once; an attendance
    each time the member (re)joins the event, which sets ``queued_at``."""
    if kind == WebhookEvent.ATTENDANCE:
        return f"{kind}:{record.uuid}:{record.queued_at:%Y%m%dT%H%M%S%f}"
    return f"{kind}:{record.uuid}"


def _with_people(kind: str, records: Sequence[Any], resources: list[dict]) -> list[dict]:
    if kind == WebhookEvent.PERSON:
        return resources
    members = _members({record.member_id for record in records})
    people = dict(zip(members, represent_people(list(members.values())), strict=True))
    for record, resource in zip(records, resources, strict=True):
        if record.member_id in people:
            resource.setdefault("person", people[record.member_id])
    return resources


def _members(ids: set[int | None]) -> dict[int, Member]:
    return {member.id: member for member in db.session.scalars(select(Member).where(Member.id.in_(ids - {None})))}


# Until the api-actions branch brings petitions.represent_signatures, events.represent_attendances and
# donations.represent_donations: the same records, with the fields receivers need most. Switch REPRESENT
# to those three and delete these.
def represent_signatures(signups: Sequence[ActionSignup]) -> list[dict]:
    return [{"identifiers": identifiers(signup.uuid), **dates(signup), "comments": signup.comment,
             "_links": {"self": link("petitions", signup.action.uuid, "signatures", signup.uuid),
                        "osdi:petition": link("petitions", signup.action.uuid),
                        "osdi:person": link("people", signup.member.uuid)}} for signup in signups]


def represent_attendances(signups: Sequence[ActionSignup]) -> list[dict]:
    return [{"identifiers": identifiers(signup.uuid), **dates(signup),
             "status": "accepted" if signup.status == "registered" else "tentative", "comments": signup.comment,
             "_links": {"self": link("events", signup.action.uuid, "attendances", signup.uuid),
                        "osdi:event": link("events", signup.action.uuid),
                        "osdi:person": link("people", signup.member.uuid)}} for signup in signups]


def represent_donations(gifts: Sequence[Donation]) -> list[dict]:
    found, members = [], _members({gift.member_id for gift in gifts})
    for gift in gifts:
        amount = f"{gift.total_cents // 100}.{gift.total_cents % 100:02d}"
        links = {"self": link("donations", gift.uuid)}
        if gift.member_id in members:
            links["osdi:person"] = link("people", members[gift.member_id].uuid)
        found.append({"identifiers": identifiers(gift.uuid), **dates(gift), "amount": amount,
                      "currency": gift.currency.upper(), "action_date": iso(gift.paid_at),
                      "recipients": [{"display_name": current_app.config["ORG_NAME"], "amount": amount}],
                      "action_network:recurrence": {"recurring": gift.kind == Kind.MONTHLY,
                                                    "period": "Monthly" if gift.kind == Kind.MONTHLY else None},
                      "_links": links})
    return found


REPRESENT: dict[str, Callable[[Sequence[Any]], list[dict]]] = {
    WebhookEvent.PERSON: represent_people,
    WebhookEvent.SIGNATURE: represent_signatures,
    WebhookEvent.ATTENDANCE: represent_attendances,
    WebhookEvent.DONATION: represent_donations,
}
