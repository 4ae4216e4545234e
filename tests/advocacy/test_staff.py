"""Staff: write, preview, publish, close and archive actions; manage lists; export sign-ups."""
import csv
import io
from datetime import datetime

import pytest

from leap_members.advocacy.models import Action, ActionKind, ActionSignup, ActionStatus, SignupStatus

BASE = {"title": "Tell the committee: fund treatment", "summary": "A short public summary.",
        "description": "What members should know.", "timezone": "America/Chicago"}


@pytest.fixture
def as_staff(client, auth, staff):
    auth.login(staff.email)
    return client


def _new(client, **fields):
    return client.post("/staff/actions/new", data={**BASE, **fields})


def test_staff_create_a_petition_as_a_draft_members_cannot_see(as_staff, db, new_client, member):
    response = _new(as_staff, kind="petition", goal="250", allowed_categories=["le_current", "le_former"])
    assert response.status_code == 303
    action = db.session.query(Action).one()
    assert (action.status, action.slug, action.goal) == ("draft", "tell-the-committee-fund-treatment", 250)
    assert action.category_codes == ["le_current", "le_former"]
    assert new_client(member).get(f"/actions/{action.slug}").status_code == 404


def test_preview_shows_a_draft_as_members_will_see_it_without_a_working_form(as_staff, db):
    _new(as_staff, kind="petition", goal="250")
    action = db.session.query(Action).one()
    html = as_staff.get(f"/staff/actions/{action.id}/preview").get_data(as_text=True)
    assert "Preview — Draft" in html and BASE["description"] in html
    assert 'disabled id="submit" name="submit" type="submit" value="Sign the petition"' in html


def test_publish_then_close_then_archive(as_staff, db, new_client, member, signups):
    _new(as_staff, kind="petition", goal="10")
    action = db.session.query(Action).one()
    member_client = new_client(member)
    as_staff.post(f"/staff/actions/{action.id}/publish")
    assert BASE["title"] in member_client.get("/actions").get_data(as_text=True)
    as_staff.post(f"/staff/actions/{action.id}/close")
    assert BASE["title"] not in member_client.get("/actions").get_data(as_text=True)
    assert member_client.post(f"/actions/{action.slug}/sign-up", data={}).status_code == 409
    assert signups(action.id) == []
    as_staff.post(f"/staff/actions/{action.id}/archive")
    db.session.refresh(action)
    assert action.status == "archived" and action.archived_at is not None
    assert member_client.get(f"/actions/{action.slug}").status_code == 404
    response = as_staff.post(f"/staff/actions/{action.id}/publish", follow_redirects=True)
    assert "Archived actions cannot be published again." in response.get_data(as_text=True)


def test_closing_a_draft_is_refused_with_a_message(as_staff, make_action, db):
    action = make_action(status=ActionStatus.DRAFT)
    response = as_staff.post(f"/staff/actions/{action.id}/close", follow_redirects=True)
    assert "Only a published action can be closed." in response.get_data(as_text=True)
    db.session.refresh(action)
    assert action.status == "draft"


@pytest.mark.parametrize("fields, field_id, message", [
    ({"kind": "petition"}, "goal", "Set a signature goal for the petition."),
    ({"kind": "letter", "letter_subject": "S", "letter_template": "Dear"}, "targets", "Add at least one official."),
    ({"kind": "letter", "letter_subject": "S", "letter_template": "Dear", "targets": "Sen. X | Chair | not-an@"},
     "targets", "is not a valid e-mail address"),
    ({"kind": "event", "online": "y"}, "starts_at", "Enter when the event starts."),
    ({"kind": "event", "starts_at": "2030-03-01T18:00"}, "location", "Enter the place, or tick"),
    ({"kind": "event", "online": "y", "starts_at": "2030-03-01T18:00", "ends_at": "2030-03-01T17:00"},
     "ends_at", "The end must be after the start."),
    ({"kind": "event", "online": "y", "starts_at": "2030-03-10T02:30"}, "starts_at", "does not exist in this time zone"),
    ({"kind": "event", "online": "y", "starts_at": "9999-12-31T23:59"}, "starts_at", "before the year 9999"),
    ({"kind": "petition", "goal": "5", "slug": "Bad Slug!"}, "slug", "lower-case letters"),
    ({"kind": "petition", "goal": "5", "title": ""}, "title", "Give the action a title."),
])
def test_bad_action_forms_are_refused_beside_the_field(as_staff, db, fields, field_id, message):
    response = _new(as_staff, **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field_id}-error"' in html and message in html
    assert db.session.query(Action).count() == 0


def test_event_times_are_entered_in_the_chosen_zone_and_stored_in_utc(as_staff, db):
    _new(as_staff, kind="event", online="y", starts_at="2030-07-04T18:00", ends_at="2030-07-04T20:00", capacity="40")
    action = db.session.query(Action).one()
    assert action.starts_at == datetime(2030, 7, 4, 23, 0) and action.ends_at == datetime(2030, 7, 5, 1, 0)
    form = as_staff.get(f"/staff/actions/{action.id}/edit").get_data(as_text=True)
    assert 'value="2030-07-04T18:00"' in form


def test_letter_targets_are_saved_from_one_line_each(as_staff, db):
    _new(as_staff, kind="letter", letter_subject="Fund it", letter_template="Dear official, please fund it.",
         targets="Sen. Ellis | Chair, Judiciary | ellis@legislature.example\n\nGovernor's office | | State Capitol")
    action = db.session.query(Action).one()
    assert [(t.name, t.title, t.email, t.office) for t in action.targets] == [
        ("Sen. Ellis", "Chair, Judiciary", "ellis@legislature.example", None),
        ("Governor's office", None, None, "State Capitol")]
    form = as_staff.get(f"/staff/actions/{action.id}/edit").get_data(as_text=True)
    assert "Sen. Ellis | Chair, Judiciary | ellis@legislature.example" in form


def test_a_web_address_in_use_is_refused_and_titles_get_a_free_one(as_staff, make_action, db):
    make_action(slug="fund-it")
    response = _new(as_staff, kind="petition", goal="5", slug="fund-it")
    assert response.status_code == 400 and "Another action already uses this web address." in response.get_data(as_text=True)
    _new(as_staff, kind="petition", goal="5", title="Fund it")
    assert db.session.query(Action).filter_by(title="Fund it").one().slug == "fund-it-2"


def test_the_type_cannot_change_once_people_signed_up(as_staff, make_action, member, db):
    action = make_action(slug="fixed")
    db.session.add(ActionSignup(action_id=action.id, member_id=member.id, status="signed"))
    db.session.commit()
    response = as_staff.post(f"/staff/actions/{action.id}/edit", data={**BASE, "kind": "speaking", "slug": "fixed"})
    assert response.status_code == 400
    assert "the type cannot change" in response.get_data(as_text=True)


def test_raising_the_capacity_gives_seats_to_the_waiting_list(as_staff, make_action, member_factory, db, signups, deliver):
    action = make_action(ActionKind.EVENT, slug="forum", capacity=1, starts_at=datetime(2030, 5, 1, 22, 0))
    for status in ("registered", "waitlisted", "waitlisted"):
        db.session.add(ActionSignup(action_id=action.id, member_id=member_factory().id, status=status))
        db.session.commit()
    as_staff.post(f"/staff/actions/{action.id}/edit", data={
        **BASE, "kind": "event", "slug": "forum", "online": "y", "starts_at": "2030-05-01T18:00",
        "timezone": "America/New_York", "capacity": "2"})
    assert [r.status for r in signups(action.id)] == ["registered", "registered", "waitlisted"]
    assert "A place opened up" in deliver().messages[0]["Subject"]


def test_moving_an_event_tells_the_people_on_its_list(as_staff, make_action, member, db, deliver):
    action = make_action(ActionKind.EVENT, slug="moved", starts_at=datetime(2030, 5, 1, 22, 0))
    db.session.add(ActionSignup(action_id=action.id, member_id=member.id, status="registered"))
    db.session.commit()
    as_staff.post(f"/staff/actions/{action.id}/edit", data={
        **BASE, "kind": "event", "slug": "moved", "online": "y", "starts_at": "2030-05-02T17:00", "capacity": "10"})
    message = deliver().last_to(member.email)
    assert message["Subject"].startswith("Changed time or place")


def test_signups_page_counts_match_the_database(as_staff, make_action, member_factory, db):
    action = make_action(ActionKind.EVENT, slug="counted", capacity=2)
    for status in ("registered", "registered", "waitlisted", "cancelled"):
        db.session.add(ActionSignup(action_id=action.id, member_id=member_factory().id, status=status))
    db.session.commit()
    html = as_staff.get(f"/staff/actions/{action.id}").get_data(as_text=True)
    assert "Total: <strong>4</strong>" in html
    assert "Registered: <strong>2</strong>" in html and "On the waiting list: <strong>1</strong>" in html
    assert "You left: <strong>1</strong>" in html


def test_staff_promote_from_the_waiting_list_and_remove_from_the_list(as_staff, make_action, member_factory, db,
                                                                     signups, deliver):
    action = make_action(ActionKind.EVENT, slug="managed", capacity=1)
    seated, waiting, later = member_factory(), member_factory(), member_factory()
    for m, status in ((seated, "registered"), (waiting, "waitlisted"), (later, "waitlisted")):
        db.session.add(ActionSignup(action_id=action.id, member_id=m.id, status=status))
        db.session.commit()
    rows = signups(action.id)
    response = as_staff.post(f"/staff/actions/{action.id}/signups/{rows[1].id}/promote", follow_redirects=True)
    assert f"{waiting.full_name} now has a seat." in response.get_data(as_text=True)
    as_staff.post(f"/staff/actions/{action.id}/signups/{rows[0].id}/remove")
    # Two were seated (over capacity by staff choice); removing one frees no seat for the third.
    assert [r.status for r in signups(action.id)] == ["removed", "registered", "waitlisted"]
    inbox = deliver()
    assert inbox.last_to(seated.email)["Subject"].startswith("Your place was cancelled")
    assert inbox.last_to(waiting.email)["Subject"].startswith("A place opened up")
    again = as_staff.post(f"/staff/actions/{action.id}/signups/{rows[0].id}/promote", follow_redirects=True)
    assert "is not on the waiting list" in again.get_data(as_text=True)


def test_a_signup_of_another_action_is_not_found(as_staff, make_action, member, db):
    one, two = make_action(ActionKind.EVENT), make_action(ActionKind.EVENT)
    signup = ActionSignup(action_id=one.id, member_id=member.id, status="waitlisted")
    db.session.add(signup)
    db.session.commit()
    assert as_staff.post(f"/staff/actions/{two.id}/signups/{signup.id}/promote").status_code == 404


def test_csv_export_has_every_signup_and_neutralises_formulas(as_staff, make_action, member_factory, db):
    action = make_action(slug="exported")
    evil = member_factory(first_name="=HYPERLINK(\"http://evil\")", last_name="Smith")
    db.session.add(ActionSignup(action_id=action.id, member_id=evil.id, status="signed", comment="+1 agreed"))
    for _ in range(3):
        db.session.add(ActionSignup(action_id=action.id, member_id=member_factory().id, status="signed"))
    db.session.commit()
    response = as_staff.get(f"/staff/actions/{action.id}/signups.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="signups-exported.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["Sign-up id", "Member id", "First name", "Last name", "E-mail"]
    assert len(rows) == 5
    assert rows[1][2] == "'=HYPERLINK(\"http://evil\")" and rows[1][10] == "'+1 agreed"


def test_staff_list_shows_how_many_take_part(as_staff, make_action, member_factory, db):
    action = make_action(title="Counted petition")
    make_action(status=ActionStatus.ARCHIVED, title="Old archived one")
    for status in ("signed", "signed"):
        db.session.add(ActionSignup(action_id=action.id, member_id=member_factory().id, status=status))
    db.session.commit()
    html = as_staff.get("/staff/actions").get_data(as_text=True)
    assert "Counted petition" in html and "<td>2</td>" in html
    assert "Old archived one" not in html
    assert "Old archived one" in as_staff.get("/staff/actions?status=archived").get_data(as_text=True)


def test_withdrawn_offers_and_cancellations_are_not_counted_as_taking_part(as_staff, make_action, member_factory, db):
    action = make_action(ActionKind.EVENT, title="Leaky event")
    for status in (SignupStatus.CANCELLED, SignupStatus.REMOVED, SignupStatus.REGISTERED):
        db.session.add(ActionSignup(action_id=action.id, member_id=member_factory().id, status=status))
    db.session.commit()
    html = as_staff.get("/staff/actions").get_data(as_text=True)
    assert "<td>1</td>" in html
