"""Petitions and signatures: the OSDI shape, and signing through the API as the petition's page signs."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from leap_members.admin.models import AuditEvent
from leap_members.advocacy.models import ActionKind, ActionSignup, ActionStatus
from leap_members.core.timeutil import utcnow
from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage
from leap_members.members.models import Member, Verification
from leap_members.outreach.tags import create_tag, tags_of
from tests.advocacy.factories import build_action
from tests.support.api import HAL, uuid_of
from tests.support.factories import make_member


@pytest.fixture
def petition(app):
    return build_action(ActionKind.PETITION, slug="end-cash-bail", title="End cash bail", goal=500)


def sign(api, petition, member, path_end="", **body):
    body.setdefault("_links", {"osdi:person": {"href": f"https://sync.example/api/v2/people/{member.uuid}"}})
    return api.post(f"petitions/{petition.uuid}/signatures{path_end}", body)


def rows() -> list[ActionSignup]:
    db.session.expire_all()
    return list(db.session.scalars(select(ActionSignup).order_by(ActionSignup.id)))


def api_writes() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "api"))


def test_a_petition_reads_as_osdi_with_its_count_page_and_links(api, petition):
    db.session.add(ActionSignup(action_id=petition.id, member_id=make_member().id, status="signed"))
    db.session.commit()
    response = api.get(f"petitions/{petition.uuid}")
    assert response.status_code == 200 and response.mimetype == HAL
    body = response.get_json()
    assert body["identifiers"] == [f"leap_members:{petition.uuid}"]
    assert body["title"] == "End cash bail" and body["total_signatures"] == 1 and body["leap:goal"] == 500
    assert body["description"].startswith("Members-only") and body["summary"].startswith("Public summary")
    assert body["browser_url"] == "http://localhost/actions/end-cash-bail"
    assert body["leap:status"] == "published" and body["created_date"].endswith("Z")
    assert body["_links"]["osdi:signatures"]["href"] == f"http://localhost/api/v2/petitions/{petition.uuid}/signatures"


def test_the_collection_lists_petitions_of_every_status_and_nothing_else(api, petition):
    build_action(ActionKind.PETITION, status=ActionStatus.DRAFT)
    build_action(ActionKind.EVENT)
    body = api.get("petitions").get_json()
    assert body["total_records"] == 2 and list(body["_embedded"]) == ["osdi:petitions"]
    assert sorted(p["leap:status"] for p in body["_embedded"]["osdi:petitions"]) == ["draft", "published"]


def test_an_unknown_petition_or_an_event_under_petitions_is_a_404_in_action_networks_words(api, app):
    event = build_action(ActionKind.EVENT)
    for uuid in ("no-such-id", event.uuid):
        response = api.get(f"petitions/{uuid}/signatures")
        assert response.status_code == 404
        assert response.get_json() == {"error": f"Couldn't find petition with id = {uuid}"}


def test_signing_by_link_records_the_signature_as_the_page_does(api, petition, deliver):
    member = make_member(email="signer@example.org")
    response = sign(api, petition, member, comments="Bail should not depend on money.")
    assert response.status_code == 201
    signature = response.get_json()
    [row] = rows()
    assert (row.member_id, row.status, row.comment) == (member.id, "signed", "Bail should not depend on money.")
    assert uuid_of(signature) == row.uuid and signature["comments"] == row.comment
    assert signature["_links"]["osdi:person"]["href"] == f"http://localhost/api/v2/people/{member.uuid}"
    assert signature["_links"]["self"]["href"].endswith(f"/petitions/{petition.uuid}/signatures/{row.uuid}")
    assert api.get(f"petitions/{petition.uuid}").get_json()["total_signatures"] == 1
    assert deliver().last_to("signer@example.org")["Subject"] == "You signed: End cash bail"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api")).one()
    assert event.member_id == member.id and event.actor_label.startswith("API key 'Test sync'")
    assert event.details["signup"] == row.uuid


def test_signing_again_answers_with_the_same_signature_and_writes_nothing(api, petition):
    member = make_member()
    first = sign(api, petition, member, comments="First words")
    again = sign(api, petition, member, comments="Other words")
    assert (first.status_code, again.status_code) == (201, 200)
    assert uuid_of(again.get_json()) == uuid_of(first.get_json()) and again.get_json()["comments"] == "First words"
    assert len(rows()) == 1 and api_writes() == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_an_embedded_person_is_matched_by_email_whatever_its_case(api, petition):
    member = make_member(email="dana@example.org")
    response = api.post(f"petitions/{petition.uuid}/signatures/", {
        "person": {"given_name": "Dana", "email_addresses": [{"address": "DANA@Example.org", "primary": True}]},
        "comments": "Yes", "triggers": {"autoresponse": {"enabled": False}}})
    assert response.status_code == 201 and [r.member_id for r in rows()] == [member.id]


def test_an_embedded_person_nobody_has_is_added_tagged_and_signed_in_one_request(api, petition):
    tag = create_tag("Bail reform", None)
    db.session.commit()
    response = api.post(f"petitions/{petition.uuid}/signatures", {
        "person": {"given_name": "Noor", "family_name": "Haddad",
                   "email_addresses": [{"address": "noor@example.org", "status": "subscribed"}],
                   "postal_addresses": [{"postal_code": "60601", "region": "IL"}]},
        "add_tags": ["bail reform", "no such tag"], "comments": "Count me in"})
    assert response.status_code == 201
    member = db.session.scalars(select(Member).where(Member.email == "noor@example.org")).one()
    assert [r.member_id for r in rows()] == [member.id] and member.email_updates and member.zip_code == "60601"
    assert [t.name for t in tags_of(member)] == [tag.name]
    assert response.get_json()["_links"]["osdi:person"]["href"].endswith(member.uuid)


def test_an_embedded_person_without_names_is_refused_and_nothing_is_written(api, petition):
    response = api.post(f"petitions/{petition.uuid}/signatures",
                        {"person": {"email_addresses": [{"address": "new.person@example.org"}]}})
    assert response.status_code == 400 and "given_name" in response.get_json()["error"]
    assert rows() == [] and db.session.scalar(select(func.count()).select_from(Member)) == 0


def test_a_closed_petition_refuses_an_embedded_new_person_and_keeps_nothing(api, petition):
    petition.status = ActionStatus.CLOSED
    db.session.commit()
    response = api.post(f"petitions/{petition.uuid}/signatures", {
        "person": {"given_name": "Late", "family_name": "Comer", "email_addresses": [{"address": "late@example.org"}]}})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Member).where(Member.email == "late@example.org")) == 0


def test_add_tags_tags_a_linked_person_even_when_they_signed_before(api, petition):
    member = make_member()
    create_tag("Volunteer", None)
    db.session.commit()
    sign(api, petition, member)
    again = api.post(f"petitions/{petition.uuid}/signatures", {
        "_links": {"osdi:person": {"href": f"https://elsewhere.example/api/v2/people/{member.uuid}"}},
        "add_tags": ["Volunteer"]})
    assert again.status_code == 200 and [t.name for t in tags_of(member)] == ["Volunteer"] and len(rows()) == 1


def test_a_trailing_slash_works_on_post(api, petition):
    assert sign(api, petition, make_member(), path_end="/").status_code == 201


def test_a_read_only_key_may_not_sign(read_api, petition):
    response = sign(read_api, petition, make_member())
    assert response.status_code == 403 and rows() == []


@pytest.mark.parametrize("change,status,words", [
    (dict(status=ActionStatus.CLOSED), 409, "This petition is closed: it takes no sign-ups."),
    (dict(status=ActionStatus.ARCHIVED), 409, "This petition is archived: it takes no sign-ups."),
    (dict(status=ActionStatus.DRAFT), 409, "This petition is still a draft: it takes no sign-ups."),
    (dict(closes_at=utcnow() - timedelta(hours=1)), 409, "stopped taking sign-ups at"),
    (dict(verified_only=True), 403, "This person may not take part."),
])
def test_a_petition_that_does_not_take_this_signature_says_why_and_writes_nothing(api, petition, change, status,
                                                                                    words):
    for name, value in change.items():
        setattr(petition, name, value)
    db.session.commit()
    response = sign(api, petition, make_member(category="le_former", verification=Verification.PENDING))
    assert response.status_code == status and words in response.get_json()["error"]
    assert rows() == [] and api_writes() == 0


@pytest.mark.parametrize("body,words", [
    ({"comments": 7}, "comments must be a string"),
    ({"comments": "x" * 1001}, "comments is too long"),
    ({"comments": "nul\x00byte"}, "control characters"),
    ({"remove_tags": ["Volunteers"]}, "Unknown field 'remove_tags'"),
    ({"add_tags": "Volunteers", "_links": {}}, "add_tags must be"),
    ({"_links": {"osdi:person": "people/1"}}, "must be an object with an href"),
    ({"_links": {}}, "Name the person"),
    ({"person": {"email_addresses": "a@example.org"}}, "person.email_addresses must be an array"),
])
def test_a_bad_body_is_a_400_naming_the_field_and_writes_nothing(api, petition, body, words):
    response = api.post(f"petitions/{petition.uuid}/signatures", body)
    assert response.status_code == 400 and words in response.get_json()["error"]
    assert rows() == [] and api_writes() == 0


def test_a_body_that_is_not_json_or_a_person_nobody_has_is_refused(api, petition):
    assert api.post(f"petitions/{petition.uuid}/signatures", "not json").status_code == 400
    response = api.post(f"petitions/{petition.uuid}/signatures", {"_links": {"osdi:person": {"href": "people/nope"}}})
    assert response.status_code == 404 and response.get_json() == {"error": "Couldn't find person with id = nope"}
    nul = api.post(f"petitions/{petition.uuid}/signatures", {"_links": {"osdi:person": {"href": "people/a\u0000b"}}})
    assert nul.status_code == 404 and rows() == []


def test_signatures_are_listed_by_petition_and_by_person_and_read_one_by_one(api, petition):
    member, other = make_member(), make_member()
    letter = build_action(ActionKind.LETTER)
    db.session.add_all([ActionSignup(action_id=petition.id, member_id=member.id, status="signed", comment="Hi"),
                        ActionSignup(action_id=petition.id, member_id=other.id, status="signed"),
                        ActionSignup(action_id=letter.id, member_id=member.id, status="sent")])
    db.session.commit()
    listed = api.get(f"petitions/{petition.uuid}/signatures").get_json()
    assert listed["total_records"] == 2 and list(listed["_embedded"]) == ["osdi:signatures"]
    mine = api.get(f"people/{member.uuid}/signatures").get_json()["_embedded"]["osdi:signatures"]
    assert [s["comments"] for s in mine] == ["Hi"]
    one = api.get(mine[0]["_links"]["self"]["href"])
    assert one.status_code == 200 and one.get_json() == mine[0]
    elsewhere = build_action(ActionKind.PETITION)
    response = api.get(f"petitions/{elsewhere.uuid}/signatures/{uuid_of(mine[0])}")
    assert response.get_json() == {"error": f"Couldn't find signature with id = {uuid_of(mine[0])}"}


def test_an_unconfirmed_persons_signature_is_listed_but_counted_once_they_confirm(api, petition):
    member = make_member(confirmed=False)
    assert sign(api, petition, member).status_code == 201
    assert api.get(f"petitions/{petition.uuid}/signatures").get_json()["total_records"] == 1
    assert api.get(f"petitions/{petition.uuid}").get_json()["total_signatures"] == 0
    member.email_confirmed_at = utcnow()
    db.session.commit()
    assert api.get(f"petitions/{petition.uuid}").get_json()["total_signatures"] == 1


def test_a_page_of_signatures_takes_the_same_few_queries_whatever_its_size(api, petition, count_queries):
    db.session.add_all([ActionSignup(action_id=petition.id, member_id=make_member().id, status="signed")
                        for _ in range(12)])
    db.session.commit()

    def statements(per_page):
        with count_queries() as counter:
            assert len(api.get(f"petitions/{petition.uuid}/signatures?per_page={per_page}")
                       .get_json()["_embedded"]["osdi:signatures"]) == per_page
        return counter.count
    api.get("petitions")   # the key's first use is noted once
    assert statements(2) == statements(12) <= 6
