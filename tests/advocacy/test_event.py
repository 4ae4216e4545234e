"""Events: time zones, details for those registered, capacity with a waiting list, .ics, reminders."""
from datetime import datetime, timedelta

import pytest

from leap_members.advocacy.models import ActionKind, SignupStatus
from leap_members.core.timeutil import utcnow
from tests.support.smtp import body_of


@pytest.fixture
def event(make_action):
    return make_action(ActionKind.EVENT, slug="media-training", title="Media training", capacity=1,
                       starts_at=datetime(2030, 1, 15, 0, 30), ends_at=datetime(2030, 1, 15, 2, 0),
                       timezone="America/New_York")


def _register(client, slug="media-training", **data):
    return client.post(f"/actions/{slug}/sign-up", data=data, follow_redirects=True)


def test_the_time_is_shown_in_the_events_own_time_zone(client, auth, member, event):
    auth.login(member.email)
    html = client.get("/actions/media-training").get_data(as_text=True)
    assert "Monday, January 14, 2030, 7:30 PM EST – 9:00 PM EST" in html
    assert "Online" in html


def test_meeting_details_are_shown_only_after_registering(client, auth, member, event, signups):
    auth.login(member.email)
    assert "secret-room" not in client.get("/actions/media-training").get_data(as_text=True)
    html = _register(client, comment="I use a wheelchair").get_data(as_text=True)
    assert "You are registered" in html and "https://meet.example.org/secret-room" in html
    [row] = signups(event.id)
    assert (row.status, row.comment) == ("registered", "I use a wheelchair")


def test_a_full_event_puts_the_next_member_on_the_waiting_list_with_a_clear_message(
        client, auth, member_factory, new_client, event, signups):
    first, second = member_factory(), member_factory()
    _register(new_client(first))
    page = new_client(second).get("/actions/media-training").get_data(as_text=True)
    assert "This event is full" in page and 'value="Join the waiting list"' in page
    html = _register(new_client(second)).get_data(as_text=True)
    assert "The event is full, so you are on the waiting list." in html
    assert "You are on the waiting list: number 1." in html
    assert "secret-room" not in html
    assert [r.status for r in signups(event.id)] == ["registered", "waitlisted"]


def test_when_someone_cancels_the_first_on_the_waiting_list_gets_the_seat_and_an_email(
        member_factory, new_client, event, signups, deliver):
    first, second, third = member_factory(), member_factory(), member_factory()
    clients = [new_client(m) for m in (first, second, third)]
    for c in clients:
        _register(c)
    deliver().clear()
    response = clients[0].post("/actions/media-training/withdraw", follow_redirects=True)
    assert "You have left this event." in response.get_data(as_text=True)
    assert [r.status for r in signups(event.id)] == ["cancelled", "registered", "waitlisted"]
    message = deliver().last_to(second.email)
    assert message["Subject"] == "A place opened up: Media training"
    assert "secret-room" in body_of(message)
    assert "number 1" in clients[2].get("/actions/media-training").get_data(as_text=True)


def test_leaving_the_waiting_list_promotes_nobody(member_factory, new_client, event, signups):
    first, second = member_factory(), member_factory()
    _register(new_client(first))
    waiting = new_client(second)
    _register(waiting)
    waiting.post("/actions/media-training/withdraw")
    assert [r.status for r in signups(event.id)] == ["registered", "cancelled"]


def test_a_member_who_left_can_register_again_at_the_back_of_the_queue(member_factory, new_client, event, signups):
    first, second = member_factory(), member_factory()
    one, two = new_client(first), new_client(second)
    _register(one)
    one.post("/actions/media-training/withdraw")
    _register(two)
    html = _register(one).get_data(as_text=True)
    assert "on the waiting list" in html
    assert {r.member_id: r.status for r in signups(event.id)} == {first.id: "waitlisted", second.id: "registered"}


def test_leaving_an_event_that_has_started_is_refused(client, auth, member, make_action, db, signups):
    action = make_action(ActionKind.EVENT, slug="started", starts_at=utcnow() + timedelta(hours=1))
    auth.login(member.email)
    _register(client, slug="started")
    action.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    response = client.post("/actions/started/withdraw")
    assert response.status_code == 409
    assert [r.status for r in signups(action.id)] == ["registered"]


def test_registration_closes_when_the_event_starts(client, auth, member, make_action, signups):
    action = make_action(ActionKind.EVENT, slug="begun", starts_at=utcnow() - timedelta(minutes=1))
    auth.login(member.email)
    assert client.post("/actions/begun/sign-up", data={}).status_code == 409
    assert signups(action.id) == []


def test_the_calendar_file_has_the_utc_start_and_details_only_for_the_registered(client, auth, member, event):
    auth.login(member.email)
    before = client.get("/actions/media-training/calendar.ics")
    assert before.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="media-training.ics"' in before.headers["Content-Disposition"]
    text = before.get_data(as_text=True)
    assert "DTSTART:20300115T003000Z\r\n" in text and "DTEND:20300115T020000Z\r\n" in text
    assert "SUMMARY:Media training\r\n" in text and "secret-room" not in text
    _register(client)
    unfolded = client.get("/actions/media-training/calendar.ics").get_data(as_text=True).replace("\r\n ", "")
    assert "https://meet.example.org/secret-room" in unfolded
    assert all(len(line.encode()) <= 75 for line in client.get("/actions/media-training/calendar.ics")
               .get_data(as_text=True).split("\r\n"))


def test_calendar_file_is_only_for_events(client, auth, member, make_action):
    make_action(ActionKind.PETITION, slug="not-an-event")
    auth.login(member.email)
    assert client.get("/actions/not-an-event/calendar.ics").status_code == 404


def test_registration_confirmation_email_carries_the_details(client, auth, member, event, deliver):
    auth.login(member.email)
    _register(client)
    message = deliver().last_to(member.email)
    assert message["Subject"] == "You are registered: Media training"
    body = body_of(message)
    assert "Monday, January 14, 2030, 7:30 PM EST" in body and "secret-room" in body


def test_reminders_go_once_to_registered_people_of_events_starting_soon(
        runner, member_factory, new_client, make_action, deliver, signups):
    soon = make_action(ActionKind.EVENT, slug="soon", title="Forum soon", capacity=1,
                       starts_at=utcnow() + timedelta(hours=5))
    make_action(ActionKind.EVENT, slug="later", starts_at=utcnow() + timedelta(days=5))
    registered, waiting = member_factory(email_updates=True), member_factory(email_updates=True)
    _register(new_client(registered), slug="soon")
    _register(new_client(waiting), slug="soon")
    deliver().clear()
    assert runner.invoke(args=["send-event-reminders"]).output.strip() == "queued 1 event reminder"
    assert runner.invoke(args=["send-event-reminders"]).output.strip() == "queued 0 event reminders"
    inbox = deliver()
    assert [m["To"] for m in inbox.messages] == [registered.email]
    assert inbox.messages[0]["Subject"] == "Reminder: Forum soon"
    assert "secret-room" in body_of(inbox.messages[0])
    assert signups(soon.id)[0].reminder_sent_at is not None


def test_the_hours_option_widens_the_reminder_window(runner, member_factory, new_client, make_action):
    make_action(ActionKind.EVENT, slug="in-two-days", starts_at=utcnow() + timedelta(hours=47))
    _register(new_client(member_factory(email_updates=True)), slug="in-two-days")
    assert "queued 0" in runner.invoke(args=["send-event-reminders"]).output
    assert "queued 1" in runner.invoke(args=["send-event-reminders", "--hours", "48"]).output


def test_reminders_skip_members_who_stopped_leap_email_or_whose_address_bounces(
        db, runner, member_factory, new_client, make_action, deliver):
    from leap_members.outreach.models import Suppression
    make_action(ActionKind.EVENT, slug="soon", title="Forum soon", starts_at=utcnow() + timedelta(hours=5))
    wants, stopped, bouncing = (member_factory(email_updates=True), member_factory(email_updates=False),
                                member_factory(email_updates=True))
    db.session.add(Suppression(address=bouncing.email, reason="hard-bounce"))
    db.session.commit()
    for person in (wants, stopped, bouncing):
        _register(new_client(person), slug="soon")
    deliver().clear()
    assert runner.invoke(args=["send-event-reminders"]).output.strip() == "queued 1 event reminder"
    assert [m["To"] for m in deliver().messages] == [wants.email]


def test_an_event_without_capacity_never_waitlists(member_factory, new_client, make_action, signups):
    action = make_action(ActionKind.EVENT, slug="open-forum", capacity=None)
    for _ in range(3):
        _register(new_client(member_factory()), slug="open-forum")
    assert {r.status for r in signups(action.id)} == {SignupStatus.REGISTERED}
