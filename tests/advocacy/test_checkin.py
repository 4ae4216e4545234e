"""Event check-in: staff or the host mark who came, add walk-ins (members and new people), print a
sign-in sheet; attendance then shows on the member's record, in the directory and the exports."""
import csv
import io
from datetime import datetime, timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from leap_members.admin.models import AuditEvent
from leap_members.advocacy.models import ActionKind, ActionSignup, EventGuest
from leap_members.core.registry import timeline_sources
from leap_members.core.timeutil import utcnow
from leap_members.members.models import Member
from leap_members.outreach import segments
from leap_members.outreach.models import Segment
from tests.support.api import ApiClient, make_key
from tests.support.clients import client_as


@pytest.fixture
def event(make_action, member_factory):
    """A full event (two places, two taken) whose host is a member, with one person waiting."""
    host = member_factory(first_name="Hana", last_name="Host", email="hana.host@example.org")
    action = make_action(ActionKind.EVENT, slug="town-hall", title="Town hall on crisis teams", capacity=2,
                         online=False, location="Dayton Public Library", timezone="America/Chicago",
                         starts_at=datetime(2030, 3, 5, 0, 0), host_id=host.id)
    people = {name: member_factory(first_name=name, last_name=last, email=f"{name.lower()}@example.org")
              for name, last in (("Ana", "Reyes"), ("Ben", "Abbott"), ("Cy", "Zimmer"))}
    for name, status in (("Ana", "registered"), ("Ben", "registered"), ("Cy", "waitlisted")):
        _add(action, people[name], status)
    return action, host, people


def _add(action, member, status):
    from leap_members.extensions import db
    signup = ActionSignup(action_id=action.id, member_id=member.id, status=status)
    db.session.add(signup)
    db.session.commit()
    return signup


def _row(db, action, member) -> ActionSignup:
    db.session.expire_all()
    return db.session.scalar(select(ActionSignup).where(ActionSignup.action_id == action.id,
                                                        ActionSignup.member_id == member.id))


def _mark(client, action, signup, mark, **extra):
    return client.post(f"/actions/{action.slug}/check-in/{signup.id}", data={"mark": mark, **extra})


def test_staff_mark_present_and_no_show_and_undo_and_the_row_keeps_who_and_when(app, db, staff, event):
    action, _, people = event
    client = client_as(app, staff)
    ana, ben = _row(db, action, people["Ana"]), _row(db, action, people["Ben"])
    response = _mark(client, action, ana, "present", q="rey")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/actions/town-hall/check-in?q=rey#signup-{ana.id}")
    _mark(client, action, ben, "no_show")
    ana = _row(db, action, people["Ana"])
    assert ana.attendance == "present" and ana.checked_in_by == f"{staff.full_name} <{staff.email}>"
    assert utcnow() - ana.checked_in_at < timedelta(minutes=1)
    html = client.get("/actions/town-hall/check-in").get_data(as_text=True)
    assert '<strong id="count-present">1</strong>' in html and '<strong id="count-no-show">1</strong>' in html
    assert '<strong id="count-registered">2</strong>' in html and '<strong id="count-not-yet">0</strong>' in html
    _mark(client, action, ana, "undo")
    assert _row(db, action, people["Ana"]).attendance is None
    html = client.get("/actions/town-hall/check-in").get_data(as_text=True)
    assert '<strong id="count-present">0</strong>' in html and '<strong id="count-not-yet">1</strong>' in html


def test_marking_twice_from_two_phones_keeps_the_first_mark(app, db, staff, admin, event):
    action, _, people = event
    ana = _row(db, action, people["Ana"])
    assert _mark(client_as(app, staff), action, ana, "present").status_code == 303
    assert _mark(client_as(app, admin), action, ana, "present").status_code == 303
    assert _row(db, action, people["Ana"]).checked_in_by.startswith(staff.full_name)


def test_the_list_is_by_last_name_and_the_filter_box_narrows_it(app, db, staff, event):
    action, _, _ = event
    client = client_as(app, staff)
    html = client.get("/actions/town-hall/check-in").get_data(as_text=True)
    assert html.index("Ben Abbott") < html.index("Ana Reyes")
    assert "Cy Zimmer" in html.split("On the waiting list")[1]
    filtered = client.get("/actions/town-hall/check-in?q=REY").get_data(as_text=True)
    assert "Ana Reyes" in filtered and "Ben Abbott" not in filtered
    assert "Nobody on the list matches “nobody”" in client.get("/actions/town-hall/check-in?q=nobody").get_data(
        as_text=True)


def test_the_host_sees_a_check_in_link_and_checks_in_at_their_own_event_only(app, db, make_action, member_factory,
                                                                               event):
    action, host, people = event
    other_event = make_action(ActionKind.EVENT, slug="other-event", host_id=member_factory().id)
    outsider_signup = _add(other_event, people["Cy"], "registered")
    as_host = client_as(app, host)
    assert 'href="/actions/town-hall/check-in"' in as_host.get("/actions/town-hall").get_data(as_text=True)
    assert "Check in" not in client_as(app, people["Ana"]).get("/actions/town-hall").get_data(as_text=True)
    assert as_host.get("/actions/town-hall/check-in").status_code == 200
    assert as_host.get("/actions/town-hall/sign-in-sheet").status_code == 200
    assert _mark(as_host, action, _row(db, action, people["Ana"]), "present").status_code == 303
    # A host of one event is nobody at another; neither is a member on the list.
    assert as_host.get("/actions/other-event/check-in").status_code == 403
    assert _mark(as_host, other_event, outsider_signup, "present").status_code == 403
    assert client_as(app, people["Ana"]).get("/actions/town-hall/check-in").status_code == 403
    assert client_as(app).get("/actions/town-hall/check-in").status_code == 302
    db.session.expire_all()
    assert db.session.get(ActionSignup, outsider_signup.id).attendance is None


@pytest.mark.parametrize("path", ["/actions/{petition}/check-in", "/actions/nowhere/check-in",
                                  "/actions/town-hall/check-in/999999", "/actions/town-hall/check-in/{elsewhere}"])
def test_no_event_an_unknown_sign_up_or_one_of_another_event_is_not_found(app, db, staff, make_action,
                                                                            member_factory, event, path):
    petition = make_action(ActionKind.PETITION, slug="a-petition")
    elsewhere = _add(make_action(ActionKind.EVENT, slug="elsewhere"), member_factory(), "registered")
    url = path.format(petition=petition.slug, elsewhere=elsewhere.id)
    client = client_as(app, staff)
    response = client.post(url, data={"mark": "present"}) if url[-1].isdigit() else client.get(url)
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ActionSignup, elsewhere.id).attendance is None


def test_a_forged_mark_is_refused_and_someone_who_left_cannot_be_marked(app, db, staff, event):
    action, _, people = event
    client = client_as(app, staff)
    ana = _row(db, action, people["Ana"])
    assert _mark(client, action, ana, "maybe").status_code == 400
    ana.status = "cancelled"
    db.session.commit()
    response = _mark(client, action, ana, "present")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ana Reyes is no longer on this event&#39;s list." in page
    assert _row(db, action, people["Ana"]).attendance is None


def test_a_member_walks_in_at_a_full_event_found_by_name_and_gets_a_place_without_a_waiting_list(
        app, db, staff, member_factory, event):
    action, _, _ = event
    walker = member_factory(first_name="Wendy", last_name="Walker", email="wendy@example.org", city="Dayton")
    client = client_as(app, staff)
    found = client.get("/actions/town-hall/check-in?find=walker").get_data(as_text=True)
    assert "Wendy Walker" in found and "wendy@example.org" in found
    for _ in range(2):   # a double tap
        response = client.post("/actions/town-hall/check-in/walk-in", data={"member_id": walker.id})
        assert response.status_code == 303
    row = _row(db, action, walker)
    assert (row.status, row.attendance, row.walk_in) == ("registered", "present", True)
    assert response.headers["Location"].endswith(f"#signup-{row.id}")
    assert db.session.scalar(select(func.count()).select_from(ActionSignup)
                             .where(ActionSignup.member_id == walker.id)) == 1
    assert "Wendy Walker was already checked in." in client.get(response.headers["Location"]).get_data(as_text=True)
    html = client.get("/actions/town-hall/check-in").get_data(as_text=True)
    assert '<strong id="count-walk-ins">1</strong>' in html and '<strong id="count-registered">2</strong>' in html


def test_someone_on_the_waiting_list_who_turns_up_is_let_in(app, db, staff, event):
    action, _, people = event
    client = client_as(app, staff)
    assert client.post("/actions/town-hall/check-in/walk-in", data={"member_id": people["Cy"].id}).status_code == 303
    row = _row(db, action, people["Cy"])
    assert (row.status, row.attendance, row.walk_in) == ("registered", "present", True)


def test_an_unknown_or_merged_member_cannot_be_walked_in(app, db, staff, member_factory, event):
    merged = member_factory(status="merged")
    client = client_as(app, staff)
    assert client.post("/actions/town-hall/check-in/walk-in", data={"member_id": 999999}).status_code == 404
    assert client.post("/actions/town-hall/check-in/walk-in", data={"member_id": merged.id}).status_code == 404
    assert client.post("/actions/town-hall/check-in/walk-in", data={"member_id": "x"}).status_code == 400


def test_a_host_finds_a_member_only_by_their_whole_e_mail_address(app, member_factory, event):
    _, host, _ = event
    member_factory(first_name="Wendy", last_name="Walker", email="wendy@example.org")
    client = client_as(app, host)
    by_name = client.get("/actions/town-hall/check-in?find=walker").get_data(as_text=True)
    assert "Wendy Walker" not in by_name and "type their whole e-mail address" in by_name
    by_address = client.get("/actions/town-hall/check-in?find=Wendy@Example.org").get_data(as_text=True)
    assert "Wendy Walker" in by_address and "wendy@example.org" not in by_address.split('id="found"')[1]


def _guest(client, **fields):
    data = {"first_name": "Nia", "last_name": "Newcomer", "email": "nia.new@example.net", "phone": "555 010 0199"}
    data.update(fields)
    return client.post("/actions/town-hall/check-in/guests", data=data)


def test_a_new_person_is_recorded_as_a_guest_audited_and_invited_to_join(app, db, event, deliver, mail_link):
    action, host, _ = event
    client = client_as(app, host)
    response = _guest(client, email="Nia.New@Example.NET")
    assert response.status_code == 303
    guest = db.session.scalar(select(EventGuest))
    assert (guest.full_name, guest.email, guest.phone) == ("Nia Newcomer", "nia.new@example.net", "555 010 0199")
    assert guest.checked_in_by == f"{host.full_name} <{host.email}>" and guest.member_id is None
    assert response.headers["Location"].endswith(f"#guest-{guest.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nia Newcomer is checked in as a guest. We e-mailed them an invitation to join LEAP." in page
    assert '<strong id="count-walk-ins">1</strong>' in page and '<strong id="count-present">1</strong>' in page
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "event-guest"))
    assert "Nia Newcomer <nia.new@example.net>" in audit.summary and audit.actor_id == host.id
    [message] = deliver().messages
    assert message["To"] == "nia.new@example.net" and "Town hall on crisis teams" in message["Subject"]
    link = unquote(mail_link(message))
    assert link.endswith("/join?email=nia.new@example.net")
    join_page = client_as(app).get(link.split("localhost", 1)[1]).get_data(as_text=True)
    assert 'value="nia.new@example.net"' in join_page


def test_the_same_guest_twice_is_one_row_and_one_invitation_with_no_error(app, db, staff, event, deliver):
    _, host, _ = event
    assert _guest(client_as(app, host)).status_code == 303
    second_phone = client_as(app, staff)
    again = _guest(second_phone, first_name="Nia (again)")
    assert again.status_code == 303
    assert "Nia Newcomer was already checked in." in second_phone.get(again.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EventGuest)) == 1
    assert len(deliver().messages) == 1


@pytest.mark.parametrize("fields,field,message", [
    ({"email": "not-an-address"}, "email", "Enter a valid e-mail address"),
    ({"email": ""}, "email", "Enter their e-mail address"),
    ({"first_name": ""}, "first_name", "Enter their first name."),
    ({"phone": "call me maybe"}, "phone", "Use digits, spaces and + ( ) - only."),
])
def test_a_guest_with_bad_details_gets_a_message_by_the_field_and_nothing_is_saved(app, db, event, deliver,
                                                                                     fields, field, message):
    _, host, _ = event
    response = _guest(client_as(app, host), **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = html.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert db.session.scalar(select(func.count()).select_from(EventGuest)) == 0 and deliver().messages == []


def test_a_guest_whose_address_is_a_members_is_checked_in_as_that_member(app, db, member_factory, event, deliver):
    action, host, _ = event
    known = member_factory(first_name="Kim", last_name="Known", email="kim@example.org")
    response = _guest(client_as(app, host), first_name="Kimberly", email="KIM@example.org")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(EventGuest)) == 0
    row = _row(db, action, known)
    assert (row.attendance, row.walk_in) == ("present", True) and deliver().messages == []


def test_a_guest_added_by_mistake_can_be_taken_back(app, db, staff, event):
    _guest(client_as(app, staff))
    guest = db.session.scalar(select(EventGuest))
    response = client_as(app, staff).post(f"/actions/town-hall/check-in/guests/{guest.id}/remove")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(EventGuest)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "event-guest")) == 2
    assert client_as(app, staff).post("/actions/town-hall/check-in/guests/999999/remove").status_code == 404


def _timeline(app, member) -> list[str]:
    with app.test_request_context():
        return [event.text for source in timeline_sources for event in source(member)
                if event.kind == "event-attendance"]


def test_attendance_shows_on_the_members_timeline(app, db, staff, member_factory, event):
    action, _, people = event
    client = client_as(app, staff)
    _mark(client, action, _row(db, action, people["Ana"]), "present")
    _mark(client, action, _row(db, action, people["Ben"]), "no_show")
    client.post("/actions/town-hall/check-in/walk-in", data={"member_id": people["Cy"].id})
    assert _timeline(app, people["Ana"]) == ["Attended “Town hall on crisis teams”"]
    assert _timeline(app, people["Ben"]) == ["Did not attend “Town hall on crisis teams”"]
    assert _timeline(app, people["Cy"]) == ["Attended “Town hall on crisis teams” (walk-in)"]
    html = client.get(f"/staff/members/{people['Ben'].id}").get_data(as_text=True)
    assert "Did not attend “Town hall on crisis teams”" in html


def test_a_guest_who_joins_later_with_that_address_finds_the_visit_on_their_record(app, db, staff, event):
    _guest(client_as(app, staff))
    response = client_as(app).post("/join", data={
        "first_name": "Nia", "last_name": "Newcomer", "email": "nia.new@example.net", "city": "Dayton",
        "state": "OH", "zip_code": "45402", "category": "citizen", "password": "a long new password 99",
        "confirm_password": "a long new password 99"})
    assert response.status_code == 302
    db.session.expire_all()
    joined = db.session.scalar(select(Member).where(Member.email == "nia.new@example.net"))
    assert db.session.scalar(select(EventGuest)).member_id == joined.id
    assert _timeline(app, joined) == ["Attended “Town hall on crisis teams” (walk-in guest, before joining)"]


def test_the_directory_filters_members_who_attended_an_event_in_the_last_months(app, db, staff, make_action,
                                                                                  member_factory, event):
    action, _, people = event
    action.starts_at = utcnow() - timedelta(days=20)
    old = make_action(ActionKind.EVENT, slug="old-event", starts_at=utcnow() - timedelta(days=400))
    db.session.commit()
    client = client_as(app, staff)
    _mark(client, action, _row(db, action, people["Ana"]), "present")
    _mark(client, action, _row(db, action, people["Ben"]), "no_show")
    old_timer = member_factory(first_name="Olga", last_name="Oldtimer")
    old_signup = _add(old, old_timer, "registered")
    old_signup.attendance = "present"
    db.session.commit()
    html = client.get("/staff/members?attended_within=3").get_data(as_text=True)
    shown = {name for name, m in {**people, "Olga": old_timer}.items() if f'href="/staff/members/{m.id}"' in html}
    assert shown == {"Ana"}
    assert "attended an event in the last: 3 months" in html and 'name="attended_within" value="3"' in html
    wider = client.get("/staff/members?attended_within=24").get_data(as_text=True)
    assert f'href="/staff/members/{old_timer.id}"' in wider
    exported = client.post("/staff/export", data={"columns": ["email"], "attended_within": "3"})
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1:] == [["ana@example.org"]]
    segment = Segment(name="Came lately", query="attended_within=3")
    db.session.add(segment)
    db.session.commit()
    assert set(db.session.scalars(segments.members_of(segment))) == {people["Ana"].id}


@pytest.mark.parametrize("value", ["0", "121", "six", "9" * 500])
def test_bad_attended_within_values_are_refused(app, staff, value):
    response = client_as(app, staff).get(f"/staff/members?attended_within={value}")
    assert response.status_code == 400
    assert "“attended_within” takes a number of months from 1 to 120" in response.get_data(as_text=True)


def test_the_staff_page_counts_attendance_links_to_check_in_and_exports_it(app, db, staff, event):
    action, _, people = event
    client = client_as(app, staff)
    _mark(client, action, _row(db, action, people["Ana"]), "present")
    _mark(client, action, _row(db, action, people["Ben"]), "no_show")
    _guest(client)
    html = client.get(f"/staff/actions/{action.id}").get_data(as_text=True)
    counts = html.split('id="attendance-counts"', 1)[1].split("</ul>", 1)[0]
    assert "Present: <strong>2</strong>" in counts and "No-show: <strong>1</strong>" in counts
    assert 'href="/actions/town-hall/check-in"' in html and 'href="/actions/town-hall/sign-in-sheet"' in html
    assert "Nia Newcomer" in html.split('id="guests"', 1)[1]
    rows = list(csv.reader(io.StringIO(client.get(f"/staff/actions/{action.id}/signups.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    by_name = {row[2]: dict(zip(header, row)) for row in rows[1:]}
    assert by_name["Ana"]["Attendance"] == "Present" and by_name["Ben"]["Attendance"] == "No-show"
    assert by_name["Ana"]["Checked in by"] == f"{staff.full_name} <{staff.email}>"
    assert by_name["Cy"]["Attendance"] == "" and by_name["Nia"]["Walk-in"] == "yes"
    assert by_name["Nia"]["Status"] == "Guest at the door (not a member)"


def test_the_sign_in_sheet_lists_names_alphabetically_with_blank_rows_and_local_time(app, staff, event):
    html = client_as(app, staff).get("/actions/town-hall/sign-in-sheet").get_data(as_text=True)
    assert html.index("Abbott, Ben") < html.index("Reyes, Ana") and "Zimmer" not in html
    assert "Monday, March 4, 2030, 6:00 PM CST" in html and "Dayton Public Library" in html
    assert html.count('class="sheet-blank"') == 10
    stylesheet = client_as(app).get("/static/advocacy/advocacy.css")
    assert "@media print" in stylesheet.get_data(as_text=True)
    stylesheet.close()


def test_staff_set_the_host_by_e_mail_and_only_an_active_member_can_be_one(app, db, staff, member_factory, event):
    action, host, _ = event
    client = client_as(app, staff)
    form = {"kind": "event", "title": action.title, "slug": action.slug, "summary": "s", "description": "d",
            "timezone": "America/Chicago", "starts_at": "2030-03-04T18:00", "location": "Dayton Public Library"}
    suspended = member_factory(email="gone@example.org", status="suspended")
    for address in ("nobody@example.org", suspended.email):
        refused = client.post(f"/staff/actions/{action.id}/edit", data={**form, "host_email": address})
        assert refused.status_code == 400
        error = refused.get_data(as_text=True).split('id="host_email-error"', 1)[1].split("</p>", 1)[0]
        assert "No active LEAP member has this e-mail address." in error
    new_host = member_factory(email="new.host@example.org")
    assert client.post(f"/staff/actions/{action.id}/edit",
                       data={**form, "host_email": "New.Host@example.org"}).status_code == 303
    db.session.expire_all()
    assert action.host_id == new_host.id
    assert 'value="new.host@example.org"' in client.get(f"/staff/actions/{action.id}/edit").get_data(as_text=True)
    assert client_as(app, host).get("/actions/town-hall/check-in").status_code == 403


def test_the_api_tells_whether_an_attendee_came(app, db, client, staff, event):
    action, _, people = event
    _mark(client_as(app, staff), action, _row(db, action, people["Ana"]), "present")
    _mark(client_as(app, staff), action, _row(db, action, people["Ben"]), "no_show")
    api = ApiClient(client, make_key("read"))
    body = api.get(f"events/{action.uuid}/attendances").get_json()
    attended = {item["_links"]["osdi:person"]["href"].rsplit("/", 1)[1]: (item["attended"], item["leap:walk_in"])
                for item in body["_embedded"]["osdi:attendances"]}
    assert attended == {people["Ana"].uuid: (True, False), people["Ben"].uuid: (False, False),
                        people["Cy"].uuid: (None, False)}


def test_merging_moves_guest_visits_and_events_hosted(app, db, member_factory, event):
    from leap_members.advocacy.contributions import merge_event_guests_and_hosts
    action, host, _ = event
    kept = member_factory()
    db.session.add(EventGuest(action_id=action.id, first_name="H", last_name="H", email="h@example.net",
                              member_id=host.id, checked_in_by="test"))
    db.session.commit()
    assert merge_event_guests_and_hosts(host.id, kept.id) == {"event guest visits moved": 1, "events hosted moved": 1}
    db.session.commit()
    db.session.expire_all()
    assert action.host_id == kept.id and db.session.scalar(select(EventGuest.member_id)) == kept.id

