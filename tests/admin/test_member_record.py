"""The member record: profile, timeline, staff notes, status and role changes."""
from datetime import datetime

from sqlalchemy import select

from leap_members.admin.models import AuditEvent, StaffNote
from leap_members.core import registry
from leap_members.core.registry import TimelineEvent


def test_the_record_shows_the_profile_and_a_timeline_of_what_happened(staff_client, member_factory):
    person = member_factory(category="le_former", organisation="Dayton PD", role_title="Captain (retired)",
                            created_at=datetime(2022, 5, 4, 10), email_confirmed_at=datetime(2022, 5, 4, 11),
                            verification="verified", verified_at=datetime(2022, 6, 1, 9))
    html = staff_client.get(f"/staff/members/{person.id}").get_data(as_text=True)
    assert person.email in html and "Dayton PD" in html and "Captain (retired)" in html
    assert "Joined as Law enforcement — former" in html
    assert "Confirmed the e-mail address" in html and "Professional background verified" in html
    assert html.index("verified</span>") < html.index("joined</span>")  # newest first


def test_events_from_other_features_appear_on_the_timeline(staff_client, member, monkeypatch):
    def gifts(m):
        return [TimelineEvent(datetime(2024, 1, 2), "gift", f"Gave $25.00 (member {m.id})", "/somewhere")]
    monkeypatch.setattr(registry, "timeline_sources", registry.timeline_sources + [gifts])
    html = staff_client.get(f"/staff/members/{member.id}").get_data(as_text=True)
    assert f"Gave $25.00 (member {member.id})" in html and 'href="/somewhere"' in html


def test_staff_add_a_note_that_shows_on_the_record_and_its_timeline(staff_client, staff, member, db):
    response = staff_client.post(f"/staff/members/{member.id}/notes", data={"body": "Called; prefers post.\nNo texts."})
    assert response.status_code == 302
    note = db.session.scalar(select(StaffNote))
    assert note.member_id == member.id and note.author_id == staff.id and note.body.endswith("No texts.")
    html = staff_client.get(f"/staff/members/{member.id}").get_data(as_text=True)
    assert "Called; prefers post." in html and f"Note by {staff.full_name}" in html


def test_an_empty_or_binary_note_is_refused_beside_the_field(staff_client, member, db):
    for body in ("   ", "bad\x00byte"):
        response = staff_client.post(f"/staff/members/{member.id}/notes", data={"body": body})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'id="body-error"' in html
    assert db.session.scalar(select(StaffNote)) is None


def test_an_admin_suspends_a_member_who_is_then_logged_out_and_it_is_recorded(admin_client, as_role, db):
    person_client = as_role("member")
    person = person_client.member
    assert person_client.get("/account").status_code == 200
    response = admin_client.post(f"/staff/members/{person.id}/status",
                                 data={"status": "suspended", "reason": "Abusive messages"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.status == "suspended"
    assert person_client.get("/account").status_code == 302  # the session ended
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "status"))
    assert event.member_id == person.id and "Abusive messages" in event.summary
    assert event.details == {"from": "active", "to": "suspended", "reason": "Abusive messages"}


def test_status_cannot_be_set_to_merged_by_hand_or_on_ones_own_account(admin_client, admin, member, db):
    response = admin_client.post(f"/staff/members/{member.id}/status", data={"status": "merged"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    response = admin_client.post(f"/staff/members/{admin.id}/status", data={"status": "lapsed"})
    assert response.status_code == 400 and "your own account" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.status == "active"


def test_an_admin_promotes_a_member_to_staff_and_the_change_is_audited(admin_client, admin, as_role, db):
    person_client = as_role("member")
    person = person_client.member
    assert person_client.get("/staff/").status_code == 403
    response = admin_client.post(f"/staff/members/{person.id}/role", data={"role": "staff"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.role == "staff"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role"))
    assert event.actor_id == admin.id and event.details == {"from": "member", "to": "staff"}
    html = admin_client.get("/staff/audit?action=role").get_data(as_text=True)
    assert "changed from member to staff" in html


def test_a_demoted_staff_member_loses_the_console(admin_client, as_role, db):
    staff_client = as_role("staff")
    response = admin_client.post(f"/staff/members/{staff_client.member.id}/role", data={"role": "member"})
    assert response.status_code == 302
    from tests.support.clients import log_in
    db.session.refresh(staff_client.member)
    log_in(staff_client, staff_client.member)
    assert staff_client.get("/staff/").status_code == 403


def test_admins_cannot_change_their_own_role_so_an_admin_always_remains(admin_client, admin, db):
    response = admin_client.post(f"/staff/members/{admin.id}/role", data={"role": "member"})
    assert response.status_code == 400 and "your own role" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_an_unconfirmed_member_cannot_be_made_staff(admin_client, member_factory, db):
    person = member_factory(confirmed=False)
    response = admin_client.post(f"/staff/members/{person.id}/role", data={"role": "admin"})
    assert response.status_code == 400 and "confirmed e-mail" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.role == "member"


def test_the_team_page_promotes_by_email(admin_client, member_factory, db):
    person = member_factory(email="newstaff@example.org")
    response = admin_client.post("/staff/team", data={"email": " NewStaff@Example.org ", "role": "staff"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.role == "staff"
    assert "newstaff@example.org" in admin_client.get("/staff/team").get_data(as_text=True)
    response = admin_client.post("/staff/team", data={"email": "nobody@example.org", "role": "staff"})
    assert response.status_code == 400 and "No member has this e-mail" in response.get_data(as_text=True)


def test_staff_see_the_role_and_status_forms_only_if_admin(staff_client, admin_client, member):
    assert "Change status" not in staff_client.get(f"/staff/members/{member.id}").get_data(as_text=True)
    assert "Change status" in admin_client.get(f"/staff/members/{member.id}").get_data(as_text=True)


def test_an_unknown_member_number_is_a_404(staff_client):
    assert staff_client.get("/staff/members/424242").status_code == 404


def test_a_member_number_too_large_for_the_database_is_a_404_not_a_crash(staff_client, admin_client, member):
    huge = "9" * 30
    assert staff_client.get(f"/staff/members/{huge}").status_code == 404
    assert staff_client.post(f"/staff/verification/{huge}", data={}).status_code == 404
    assert admin_client.get(f"/staff/import/{huge}").status_code == 404
    response = admin_client.post(f"/staff/members/{member.id}/merge", data={"source_id": huge, "confirm": "y"})
    assert response.status_code == 404
    response = admin_client.get(f"/staff/members/{member.id}/merge?duplicate={huge}")
    assert response.status_code == 400 and "No member has that number" in response.get_data(as_text=True)
