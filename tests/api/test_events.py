"""Events and attendances: the OSDI shape, and registering through the API with the capacity and the
waiting list the event's page keeps (tests/advocacy/test_event.py)."""
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from leap_members.admin.models import AuditEvent
from leap_members.advocacy.models import ActionKind, ActionSignup, ActionStatus
from leap_members.advocacy.services import withdraw
from leap_members.core.timeutil import utcnow
from leap_members.extensions import db
from tests.advocacy.factories import build_action
from tests.support.api import ApiClient, uuid_of
from tests.support.factories import make_member


@pytest.fixture
def event(app):
    return build_action(ActionKind.EVENT, slug="media-training", title="Media training", capacity=1, online=False,
                        location="Columbus Convention Center", starts_at=datetime(2030, 1, 15, 0, 30),
                        ends_at=datetime(2030, 1, 15, 2, 0), private_details="Room 12, bring ID")


def register(api, event, member, path_end=""):
    return api.post(f"events/{event.uuid}/attendances{path_end}",
                    {"_links": {"osdi:person": {"href": f"http://elsewhere.example/people/{member.uuid}"}}})


def statuses(event) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(ActionSignup.status).where(ActionSignup.action_id == event.id)
                                   .order_by(ActionSignup.id)))


def test_an_event_reads_with_its_times_in_utc_place_capacity_and_counts(api, event):
    db.session.add(ActionSignup(action_id=event.id, member_id=make_member().id, status="registered"))
    db.session.commit()
    body = api.get(f"events/{event.uuid}/").get_json()
    assert body["title"] == "Media training" and body["status"] == "confirmed" and body["leap:status"] == "published"
    assert body["start_date"] == "2030-01-15T00:30:00.000Z" and body["end_date"] == "2030-01-15T02:00:00.000Z"
    assert body["leap:timezone"] == "America/New_York"
    assert body["location"] == {"venue": "Columbus Convention Center"} and body["leap:online"] is False
    assert (body["capacity"], body["total_accepted"], body["leap:total_waitlisted"]) == (1, 1, 0)
    assert body["instructions"] == "Room 12, bring ID"
    assert body["browser_url"] == "http://localhost/actions/media-training"
    assert body["_links"]["osdi:attendances"]["href"].endswith(f"/events/{event.uuid}/attendances")


def test_the_collection_lists_only_events(api, event):
    build_action(ActionKind.PETITION)
    build_action(ActionKind.EVENT, status=ActionStatus.DRAFT)
    body = api.get("events").get_json()
    assert body["total_records"] == 2 and list(body["_embedded"]) == ["osdi:events"]
    assert sorted(e["status"] for e in body["_embedded"]["osdi:events"]) == ["confirmed", "tentative"]
    assert api.get("events/nope").get_json() == {"error": "Couldn't find event with id = nope"}


def test_registering_takes_the_seat_then_the_full_event_puts_people_on_the_waiting_list(api, event, deliver):
    first, second, third = make_member(), make_member(), make_member(email="third@example.org")
    seated = register(api, event, first)
    assert seated.status_code == 201
    assert seated.get_json()["status"] == "accepted" and seated.get_json()["leap:waitlist_position"] is None
    waiting = [register(api, event, person).get_json() for person in (second, third)]
    assert [(w["status"], w["leap:status"], w["leap:waitlist_position"]) for w in waiting] == [
        ("tentative", "waitlisted", 1), ("tentative", "waitlisted", 2)]
    assert statuses(event) == ["registered", "waitlisted", "waitlisted"]
    assert deliver().last_to("third@example.org")["Subject"] == "You are on the waiting list: Media training"
    body = api.get(f"events/{event.uuid}").get_json()
    assert (body["total_accepted"], body["leap:total_waitlisted"]) == (1, 2)


def test_registering_again_answers_with_the_same_attendance_and_writes_nothing(api, event):
    first, second = make_member(), make_member()
    register(api, event, first)
    on_list = register(api, event, second)
    again = register(api, event, second)
    assert again.status_code == 200 and uuid_of(again.get_json()) == uuid_of(on_list.get_json())
    assert again.get_json()["leap:waitlist_position"] == 1 and statuses(event) == ["registered", "waitlisted"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "api")) == 2


def test_someone_who_left_registers_again_at_the_back_of_the_queue(api, event):
    first, second, third = make_member(), make_member(), make_member()
    for person in (first, second, third):
        register(api, event, person)
    withdraw(event, second)
    db.session.commit()
    again = register(api, event, second)
    assert again.status_code == 201 and again.get_json()["leap:waitlist_position"] == 2
    assert [a["leap:waitlist_position"] for a in api.get(f"events/{event.uuid}/attendances").get_json()
            ["_embedded"]["osdi:attendances"] if a["leap:status"] == "waitlisted"] == [1, 2]


def test_someone_staff_took_off_the_list_is_refused(api, event):
    member = make_member()
    db.session.add(ActionSignup(action_id=event.id, member_id=member.id, status="removed"))
    db.session.commit()
    response = register(api, event, member)
    assert response.status_code == 409 and "LEAP staff took this person off" in response.get_json()["error"]


def test_an_event_that_started_takes_no_registrations(api, event):
    event.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    response = register(api, event, make_member())
    assert response.status_code == 409 and "stopped taking sign-ups" in response.get_json()["error"]
    assert statuses(event) == []


def test_a_read_only_key_may_not_register(read_api, event):
    assert register(read_api, event, make_member(), path_end="/").status_code == 403 and statuses(event) == []


def test_a_trailing_slash_works_on_post(api, event):
    assert register(api, event, make_member(), path_end="/").status_code == 201


def test_attendances_by_event_and_by_person_leave_out_those_who_left(api, event):
    member, left = make_member(), make_member()
    db.session.add_all([ActionSignup(action_id=event.id, member_id=member.id, status="registered"),
                        ActionSignup(action_id=event.id, member_id=left.id, status="cancelled")])
    db.session.commit()
    listed = api.get(f"events/{event.uuid}/attendances").get_json()
    assert listed["total_records"] == 1 and list(listed["_embedded"]) == ["osdi:attendances"]
    [mine] = api.get(f"people/{member.uuid}/attendances").get_json()["_embedded"]["osdi:attendances"]
    assert mine["_links"]["osdi:event"]["href"].endswith(f"/events/{event.uuid}")
    assert api.get(mine["_links"]["self"]["href"]).get_json() == mine
    assert api.get(f"people/{left.uuid}/attendances").get_json()["total_records"] == 0
    cancelled = db.session.scalar(select(ActionSignup.uuid).where(ActionSignup.member_id == left.id))
    assert api.get(f"events/{event.uuid}/attendances/{cancelled}").status_code == 404


def test_a_page_of_attendances_takes_the_same_few_queries_whatever_its_size(api, event, count_queries):
    event.capacity = 3
    db.session.add_all([ActionSignup(action_id=event.id, member_id=make_member().id,
                                     status="registered" if n < 3 else "waitlisted") for n in range(12)])
    db.session.commit()

    def statements(per_page):
        with count_queries() as counter:
            page = api.get(f"events/{event.uuid}/attendances?per_page={per_page}").get_json()
        assert len(page["_embedded"]["osdi:attendances"]) == per_page
        return counter.count
    api.get("events")
    assert statements(4) == statements(12) <= 7


def test_the_same_registration_sent_at_once_from_four_clients_makes_one_row(app, api, event):
    url = f"events/{event.uuid}/attendances"
    body = {"_links": {"osdi:person": {"href": f"people/{make_member().uuid}"}}}
    db.session.rollback()   # the test's own transaction must not hold the SQLite write lock meanwhile
    clients = [ApiClient(app.test_client(), api.token) for _ in range(4)]
    barrier, codes, errors = threading.Barrier(4), [], []

    def send(client):
        try:
            barrier.wait(timeout=10)
            codes.append(client.post(url, body).status_code)
        except Exception as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors and sorted(codes) == [200, 200, 200, 201]
    assert statuses(event) == ["registered"]
