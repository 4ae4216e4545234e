"""Writing people: POST /people (the person signup helper) and PUT /people/<id>.

``?background_processing=true`` is accepted and answered the same way, at once: the write is quick,
and clients (parsons' upsert among them) read the person from the answer.
"""
from ..members.models import Member
from . import bp
from .auth import current_key
from .hal import href, json_body, respond
from .lookup import find_person
from .people import represent_people
from .person_fields import read_body
from .routing import api_route
from .signup import lock, sign_up_person, update_person
from .writing import one_transaction


@api_route(bp, "/people", methods=("POST",))
def person_signup():
    changes = read_body(json_body())
    with one_transaction():
        member, created = sign_up_person(changes, current_key())
    if created:
        return _answer(member, 201, {"Location": href("people", member.uuid)})
    return _answer(member)


@api_route(bp, "/people/<uuid>", methods=("PUT",))
def person_update(uuid: str):
    changes = read_body(json_body())
    with one_transaction():
        member = lock(find_person(uuid))
        update_person(member, changes, current_key())
    return _answer(member)


def _answer(member: Member, status: int = 200, headers: dict | None = None):
    return respond(represent_people([member])[0], status, headers)
