"""Events and their attendances; POST registers a person as the event's page does.

An attendance is a registration or a place on the waiting list: ``status`` is OSDI's "accepted"
for a seat and "tentative" for the waiting list (``leap:status`` and ``leap:waitlist_position``
say which place). Someone who left, or whom staff took off the list, is no longer listed.
``attended`` is OSDI's field for check-in at the door (read only): true when marked present, false
for a no-show, null until marked; ``leap:walk_in`` says the person had no place and was let in.
Times are UTC; ``leap:timezone`` is the zone the event's page shows them in.
"""
from collections.abc import Sequence

from sqlalchemy import select

from ..advocacy.models import Action, ActionKind, ActionSignup, ActionStatus, Attendance, SignupStatus
from ..advocacy.services import waiting_ahead_of
from ..extensions import db
from . import bp
from .actions import ACTION_FILTERS, action_fields, find_action, status_counts
from .hal import iso, json_body, link, respond
from .lookup import find_person
from .paging import Listing, collection
from .routing import api_route
from .signups import SIGNUP_FILTERS, find_signup, owners, signup_fields, take_part

ATTENDING = frozenset({SignupStatus.REGISTERED, SignupStatus.WAITLISTED})
OSDI_STATUS = {SignupStatus.REGISTERED: "accepted", SignupStatus.WAITLISTED: "tentative"}
ATTENDED = {Attendance.PRESENT: True, Attendance.NO_SHOW: False}


def represent_events(actions: Sequence[Action]) -> list[dict]:
    counts = status_counts(actions)
    return [represent_event(action, counts[action.id]) for action in actions]


def represent_event(event: Action, counts: dict[str, int]) -> dict:
    uuid = event.uuid
    found = {**action_fields(event),
             "start_date": iso(event.starts_at), "end_date": iso(event.ends_at), "leap:timezone": event.timezone,
             "status": "tentative" if event.status == ActionStatus.DRAFT else "confirmed",
             "capacity": event.capacity, "total_accepted": counts.get(SignupStatus.REGISTERED, 0),
             "leap:total_waitlisted": counts.get(SignupStatus.WAITLISTED, 0),
             "leap:online": event.online, "instructions": event.private_details,
             "_links": {"self": link("events", uuid), "osdi:attendances": link("events", uuid, "attendances"),
                        "osdi:record_attendance_helper": link("events", uuid, "attendances")}}
    if event.location:
        found["location"] = {"venue": event.location}
    return found


def represent_attendances(signups: Sequence[ActionSignup]) -> list[dict]:
    found = owners(signups)
    positions = _waitlist_positions(signups)
    return [_attendance(signup, *found[signup.id], positions.get(signup.id)) for signup in signups]


def _waitlist_positions(signups: Sequence[ActionSignup]) -> dict[int, int]:
    """1 for the next on an event's waiting list to get a seat, for the page's waiting sign-ups in one query."""
    waiting = [signup.id for signup in signups if signup.status == SignupStatus.WAITLISTED]
    if not waiting:
        return {}
    ahead = waiting_ahead_of(ActionSignup).correlate(ActionSignup).scalar_subquery()
    rows = db.session.execute(select(ActionSignup.id, ahead).where(ActionSignup.id.in_(waiting)))
    return {signup_id: (before or 0) + 1 for signup_id, before in rows}


def _attendance(signup: ActionSignup, event_uuid: str, person_uuid: str, position: int | None) -> dict:
    return {**signup_fields(signup), "status": OSDI_STATUS.get(signup.status, signup.status),
            "leap:status": signup.status, "leap:waitlist_position": position, "comments": signup.comment,
            "attended": ATTENDED.get(signup.attendance or ""), "leap:walk_in": signup.walk_in,
            "_links": {"self": link("events", event_uuid, "attendances", signup.uuid),
                       "osdi:event": link("events", event_uuid), "osdi:person": link("people", person_uuid)}}


EVENTS = Listing(name="events", model=Action, modified=Action.updated_at, represent=represent_events,
                 filters=ACTION_FILTERS)
ATTENDANCES = Listing(name="attendances", model=ActionSignup, modified=ActionSignup.updated_at,
                      represent=represent_attendances, filters=SIGNUP_FILTERS)


def _event(uuid: str) -> Action:
    return find_action(uuid, ActionKind.EVENT, "event")


@api_route(bp, "/events")
def events():
    return collection(EVENTS, "events", where=[Action.kind == ActionKind.EVENT])


@api_route(bp, "/events/<uuid>")
def event(uuid: str):
    return respond(represent_events([_event(uuid)])[0])


@api_route(bp, "/events/<uuid>/attendances")
def event_attendances(uuid: str):
    found = _event(uuid)
    return collection(ATTENDANCES, "events", uuid, "attendances",
                      where=[ActionSignup.action_id == found.id, ActionSignup.status.in_(ATTENDING)])


@api_route(bp, "/events/<uuid>/attendances", methods=["POST"])
def record_attendance(uuid: str):
    """Action Network's record attendance helper: a seat if one is free, else the waiting list."""
    found = _event(uuid)
    signup, created = take_part(found, "event", json_body(), ATTENDING)
    return respond(represent_attendances([signup])[0], 201 if created else 200)


@api_route(bp, "/events/<uuid>/attendances/<attendance_uuid>")
def attendance(uuid: str, attendance_uuid: str):
    found = find_signup(_event(uuid), attendance_uuid, "attendance", ATTENDING)
    return respond(represent_attendances([found])[0])


@api_route(bp, "/people/<uuid>/attendances")
def person_attendances(uuid: str):
    member = find_person(uuid)
    return collection(ATTENDANCES, "people", uuid, "attendances",
                      where=[ActionSignup.member_id == member.id, ActionSignup.status.in_(ATTENDING)])
