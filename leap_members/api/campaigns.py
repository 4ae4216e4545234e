"""Letters to officials as OSDI advocacy campaigns, and the letters members sent as outreaches.

Read-only: sending a letter e-mails the officials in the member's name, so a letter is written by
the member on the action's page, never pushed in by a sync tool.
"""
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select

from ..advocacy.models import Action, ActionKind, ActionSignup, ActionTarget, SignupStatus
from ..extensions import db
from . import bp
from .actions import ACTION_FILTERS, action_fields, find_action, status_counts
from .hal import link, respond
from .lookup import find_person
from .paging import Listing, collection
from .routing import api_route
from .signups import SIGNUP_FILTERS, find_signup, owners, signup_fields

SENT = frozenset({SignupStatus.SENT})


def targets_of(action_ids: set[int]) -> dict[int, list[dict]]:
    """The officials of each letter, in their order, in one query."""
    found: dict[int, list[dict]] = defaultdict(list)
    if action_ids:
        for target in db.session.scalars(select(ActionTarget).where(ActionTarget.action_id.in_(action_ids))
                                         .order_by(ActionTarget.action_id, ActionTarget.position, ActionTarget.id)):
            found[target.action_id].append(_target(target))
    return found


def _target(target: ActionTarget) -> dict:
    return {"name": target.name, "title": target.title,
            "email_addresses": [{"address": target.email}] if target.email else [],
            "postal_addresses": [{"address_lines": [target.office]}] if target.office else []}


def represent_campaigns(actions: Sequence[Action]) -> list[dict]:
    counts, targets = status_counts(actions), targets_of({action.id for action in actions})
    return [_campaign(action, counts[action.id], targets[action.id]) for action in actions]


def _campaign(letter: Action, counts: dict[str, int], targets: list[dict]) -> dict:
    uuid = letter.uuid
    return {**action_fields(letter), "type": "email", "targets": targets,
            "total_outreaches": counts.get(SignupStatus.SENT, 0),
            "leap:letter_subject": letter.letter_subject, "leap:letter_template": letter.letter_template,
            "_links": {"self": link("advocacy_campaigns", uuid),
                       "osdi:outreaches": link("advocacy_campaigns", uuid, "outreaches")}}


def represent_outreaches(signups: Sequence[ActionSignup]) -> list[dict]:
    found, targets = owners(signups), targets_of({signup.action_id for signup in signups})
    return [_outreach(signup, *found[signup.id], targets[signup.action_id]) for signup in signups]


def _outreach(signup: ActionSignup, campaign_uuid: str, person_uuid: str, targets: list[dict]) -> dict:
    return {**signup_fields(signup), "type": "email", "subject": signup.letter_subject,
            "message": signup.letter_body, "targets": targets, "leap:signature": signup.signature,
            "leap:letters_emailed": signup.letters_emailed,
            "_links": {"self": link("advocacy_campaigns", campaign_uuid, "outreaches", signup.uuid),
                       "osdi:advocacy_campaign": link("advocacy_campaigns", campaign_uuid),
                       "osdi:person": link("people", person_uuid)}}


CAMPAIGNS = Listing(name="advocacy_campaigns", model=Action, modified=Action.updated_at,
                    represent=represent_campaigns, filters=ACTION_FILTERS)
OUTREACHES = Listing(name="outreaches", model=ActionSignup, modified=ActionSignup.updated_at,
                     represent=represent_outreaches, filters=SIGNUP_FILTERS)


def _letter(uuid: str) -> Action:
    return find_action(uuid, ActionKind.LETTER, "advocacy campaign")


@api_route(bp, "/advocacy_campaigns")
def advocacy_campaigns():
    return collection(CAMPAIGNS, "advocacy_campaigns", where=[Action.kind == ActionKind.LETTER])


@api_route(bp, "/advocacy_campaigns/<uuid>")
def advocacy_campaign(uuid: str):
    return respond(represent_campaigns([_letter(uuid)])[0])


@api_route(bp, "/advocacy_campaigns/<uuid>/outreaches")
def campaign_outreaches(uuid: str):
    found = _letter(uuid)
    return collection(OUTREACHES, "advocacy_campaigns", uuid, "outreaches",
                      where=[ActionSignup.action_id == found.id, ActionSignup.status.in_(SENT)])


@api_route(bp, "/advocacy_campaigns/<uuid>/outreaches/<outreach_uuid>")
def outreach(uuid: str, outreach_uuid: str):
    return respond(represent_outreaches([find_signup(_letter(uuid), outreach_uuid, "outreach", SENT)])[0])


@api_route(bp, "/people/<uuid>/outreaches")
def person_outreaches(uuid: str):
    member = find_person(uuid)
    return collection(OUTREACHES, "people", uuid, "outreaches",
                      where=[ActionSignup.member_id == member.id, ActionSignup.status.in_(SENT)])
