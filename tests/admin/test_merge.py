"""Merging duplicate records: everything moves, the duplicate is retired, the merge is recorded."""
from sqlalchemy import select

from leap_members.admin.merge import merged_email
from leap_members.admin.models import AuditEvent, MemberMerge, StaffNote
from leap_members.core import registry
from leap_members.members.models import Consent, Member


def merge(client, kept, duplicate):
    return client.post(f"/staff/members/{kept.id}/merge", data={"source_id": str(duplicate.id), "confirm": "y"})


def _pair(member_factory):
    kept = member_factory(first_name="Robin", last_name="Hale", email="robin@example.org", phone=None)
    duplicate = member_factory(first_name="Robin", last_name="Hale", email="r.hale@oldmail.example",
                               phone="+1 555 0199")
    return kept, duplicate


def test_merging_moves_notes_consents_and_registered_records_and_retires_the_duplicate(
        admin_client, member_factory, db, monkeypatch):
    kept, duplicate = _pair(member_factory)
    db.session.add_all([StaffNote(member_id=duplicate.id, author_label="x", body="Met at the 2019 conference"),
                        Consent(member_id=duplicate.id, kind="email_updates", granted=True, wording="w",
                                source="/join")])
    db.session.commit()
    calls = []

    def move_gifts(source_id, target_id):
        calls.append((source_id, target_id))
        return {"gifts": 3}
    monkeypatch.setattr(registry, "merge_steps", registry.merge_steps + [move_gifts])

    response = admin_client.post(f"/staff/members/{kept.id}/merge",
                                 data={"source_id": str(duplicate.id), "confirm": "y"})
    assert response.status_code == 302
    assert calls == [(duplicate.id, kept.id)]
    db.session.expire_all()
    assert db.session.scalar(select(StaffNote.member_id)) == kept.id
    assert db.session.scalar(select(Consent.member_id)) == kept.id
    assert kept.phone == "+1 555 0199"  # filled from the duplicate because the kept record had none
    assert duplicate.status == "merged" and duplicate.email == merged_email(duplicate.id)
    assert duplicate.password_hash is None
    merge = db.session.scalar(select(MemberMerge))
    assert (merge.source_member_id, merge.target_member_id) == (duplicate.id, kept.id)
    assert merge.source_email == "r.hale@oldmail.example" and merge.moved["gifts"] == 3
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert event.member_id == kept.id and "r.hale@oldmail.example" in event.summary
    html = admin_client.get(f"/staff/members/{kept.id}").get_data(as_text=True)
    assert "Met at the 2019 conference" in html and "r.hale@oldmail.example" in html


def test_the_freed_address_can_join_again_without_breaking_the_unique_index(admin_client, member_factory, db):
    kept, duplicate = _pair(member_factory)
    merge(admin_client, kept, duplicate)
    member_factory(email="r.hale@oldmail.example")
    assert db.session.scalar(select(Member.id).where(Member.email == "r.hale@oldmail.example"))


def test_the_retired_record_points_to_the_kept_one(admin_client, member_factory):
    kept, duplicate = _pair(member_factory)
    merge(admin_client, kept, duplicate)
    html = admin_client.get(f"/staff/members/{duplicate.id}").get_data(as_text=True)
    assert f"record #{kept.id}" in html and "merged into" in html


def test_the_preview_finds_the_duplicate_by_email_and_compares_both(admin_client, member_factory):
    kept, duplicate = _pair(member_factory)
    html = admin_client.get(f"/staff/members/{kept.id}/merge?duplicate=R.Hale@OldMail.example").get_data(as_text=True)
    assert "robin@example.org" in html and "r.hale@oldmail.example" in html
    assert f'name="source_id" type="hidden" value="{duplicate.id}"' in html


def test_merging_needs_the_confirmation_box(admin_client, member_factory, db):
    kept, duplicate = _pair(member_factory)
    response = admin_client.post(f"/staff/members/{kept.id}/merge", data={"source_id": str(duplicate.id)})
    assert response.status_code == 400 and "Tick the box" in response.get_data(as_text=True)
    db.session.refresh(duplicate)
    assert duplicate.status == "active"


def test_a_record_is_not_merged_twice_or_into_itself(admin_client, member_factory, db):
    kept, duplicate = _pair(member_factory)
    response = admin_client.post(f"/staff/members/{kept.id}/merge", data={"source_id": str(kept.id), "confirm": "y"})
    assert response.status_code == 400 and "cannot be merged with itself" in response.get_data(as_text=True)
    merge(admin_client, kept, duplicate)
    response = merge(admin_client, kept, duplicate)
    assert response.status_code == 400 and "already merged" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(MemberMerge)).all()) == 1


def test_a_staff_account_is_not_merged_away(admin_client, member_factory):
    kept = member_factory()
    staff = member_factory(role="staff")
    response = admin_client.post(f"/staff/members/{kept.id}/merge", data={"source_id": str(staff.id), "confirm": "y"})
    assert response.status_code == 400 and "staff account" in response.get_data(as_text=True)


def test_looking_up_a_duplicate_that_does_not_exist_says_so(admin_client, member):
    response = admin_client.get(f"/staff/members/{member.id}/merge?duplicate=ghost@example.org")
    assert response.status_code == 400 and "No member has that number" in response.get_data(as_text=True)
    assert admin_client.get(f"/staff/members/{member.id}/merge?duplicate=a%00b").status_code == 400


def test_a_failing_merge_step_saves_nothing(admin_client, member_factory, db, monkeypatch):
    kept, duplicate = _pair(member_factory)

    def broken(source_id, target_id):
        raise RuntimeError("gift table locked")
    monkeypatch.setattr(registry, "merge_steps", registry.merge_steps + [broken])
    response = merge(admin_client, kept, duplicate)
    assert response.status_code == 500 and "nothing was saved" in response.get_data(as_text=True)
    db.session.expire_all()
    assert duplicate.status == "active" and duplicate.email == "r.hale@oldmail.example"
    assert db.session.scalar(select(MemberMerge)) is None
