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

from sqlalchemy import select

from ..extensions import db
from ..members.models import Member
from .donations import represent_donations
from .events import represent_attendances
from .models import WebhookEvent
from .people import represent_people
from .petitions import represent_signatures

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


REPRESENT: dict[str, Callable[[Sequence[Any]], list[dict]]] = {
    WebhookEvent.PERSON: represent_people,
    WebhookEvent.SIGNATURE: represent_signatures,
    WebhookEvent.ATTENDANCE: represent_attendances,
    WebhookEvent.DONATION: represent_donations,
}
