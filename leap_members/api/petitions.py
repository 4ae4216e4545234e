"""Petitions and their signatures; POST a signature as the petition's page records one.

A signature is a sign-up with the status "signed". ``total_signatures`` is the count the
petition's page shows: signatures of people whose e-mail is confirmed, so a signature recorded
for an unconfirmed person is listed at once but counted once they confirm.
"""
from collections.abc import Sequence

from ..advocacy.models import Action, ActionKind, ActionSignup, SignupStatus
from . import bp
from .actions import ACTION_FILTERS, action_fields, find_action
from .hal import json_body, link, respond
from .lookup import find_person
from .paging import Listing, collection
from .routing import api_route
from .signups import SIGNUP_FILTERS, find_signup, owners, signup_fields, take_part

SIGNED = frozenset({SignupStatus.SIGNED})


def represent_petitions(actions: Sequence[Action]) -> list[dict]:
    return [represent_petition(action) for action in actions]


def represent_petition(petition: Action) -> dict:
    uuid = petition.uuid
    return {**action_fields(petition), "target": [], "total_signatures": petition.taking_part,
            "leap:goal": petition.goal,
            "_links": {"self": link("petitions", uuid), "osdi:signatures": link("petitions", uuid, "signatures"),
                       "osdi:record_signature_helper": link("petitions", uuid, "signatures")}}


def represent_signatures(signups: Sequence[ActionSignup]) -> list[dict]:
    found = owners(signups)
    return [_signature(signup, *found[signup.id]) for signup in signups]


def _signature(signup: ActionSignup, petition_uuid: str, person_uuid: str) -> dict:
    return {**signup_fields(signup), "comments": signup.comment,
            "_links": {"self": link("petitions", petition_uuid, "signatures", signup.uuid),
                       "osdi:petition": link("petitions", petition_uuid),
                       "osdi:person": link("people", person_uuid)}}


PETITIONS = Listing(name="petitions", model=Action, modified=Action.updated_at, represent=represent_petitions,
                    filters=ACTION_FILTERS)
SIGNATURES = Listing(name="signatures", model=ActionSignup, modified=ActionSignup.updated_at,
                     represent=represent_signatures, filters=SIGNUP_FILTERS)


def _petition(uuid: str) -> Action:
    return find_action(uuid, ActionKind.PETITION, "petition")


@api_route(bp, "/petitions")
def petitions():
    return collection(PETITIONS, "petitions", where=[Action.kind == ActionKind.PETITION])


@api_route(bp, "/petitions/<uuid>")
def petition(uuid: str):
    return respond(represent_petition(_petition(uuid)))


@api_route(bp, "/petitions/<uuid>/signatures")
def petition_signatures(uuid: str):
    found = _petition(uuid)
    return collection(SIGNATURES, "petitions", uuid, "signatures",
                      where=[ActionSignup.action_id == found.id, ActionSignup.status.in_(SIGNED)])


@api_route(bp, "/petitions/<uuid>/signatures", methods=["POST"])
def record_signature(uuid: str):
    """Action Network's record signature helper: the person by link or embedded, with ``comments``."""
    found = _petition(uuid)
    signup, created = take_part(found, "petition", json_body(), SIGNED)
    return respond(represent_signatures([signup])[0], 201 if created else 200)


@api_route(bp, "/petitions/<uuid>/signatures/<signature_uuid>")
def signature(uuid: str, signature_uuid: str):
    found = find_signup(_petition(uuid), signature_uuid, "signature", SIGNED)
    return respond(represent_signatures([found])[0])


@api_route(bp, "/people/<uuid>/signatures")
def person_signatures(uuid: str):
    member = find_person(uuid)
    return collection(SIGNATURES, "people", uuid, "signatures",
                      where=[ActionSignup.member_id == member.id, ActionSignup.status.in_(SIGNED)])
