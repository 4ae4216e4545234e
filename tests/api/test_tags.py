"""Tags and taggings through the API: names unique whatever their case, people tagged by link, each
change on the member's timeline and in the audit log."""
import pytest
from sqlalchemy import func, select, update

from leap_members.admin.models import AuditEvent
from leap_members.admin.records import timeline
from leap_members.core.timeutil import utcnow
from leap_members.extensions import db
from leap_members.members.models import MembershipStatus
from leap_members.outreach.models import MemberTag, Tag, TagChange
from leap_members.outreach.tags import create_tag, tag_member, tags_of
from tests.support.api import HAL, uuid_of
from tests.support.factories import make_member


@pytest.fixture
def volunteers(app):
    tag = create_tag("Volunteers", None)
    db.session.commit()
    return tag


def tag_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Tag))


def person_link(member, host: str = "https://sync.example.net/api/v2") -> dict:
    return {"_links": {"osdi:person": {"href": f"{host}/people/{member.uuid}"}}}


def test_tags_list_and_read_as_osdi(api, volunteers):
    create_tag("Donors", None)
    db.session.commit()
    body = api.get("tags").get_json()
    assert body["total_records"] == 2 and list(body["_embedded"]) == ["osdi:tags"]
    first = api.get(f"tags/{volunteers.uuid}")
    assert first.status_code == 200 and first.mimetype == HAL
    tag = first.get_json()
    assert tag["name"] == "Volunteers" and tag["identifiers"] == [f"leap_members:{volunteers.uuid}"]
    assert tag["created_date"].endswith("Z") and tag["modified_date"].endswith("Z")
    assert tag["_links"]["osdi:taggings"]["href"] == f"http://localhost/api/v2/tags/{volunteers.uuid}/taggings"
    assert tag in body["_embedded"]["osdi:tags"]
    assert "osdi:tags" in api.get("").get_json()["_links"]
    missing = api.get("tags/nope")
    assert missing.status_code == 404 and missing.get_json() == {"error": "Couldn't find tag with id = nope"}


def test_posting_a_name_makes_the_tag_once_whatever_its_case(api, app):
    made = api.post("tags/", {"name": "  Press   contacts "})
    assert made.status_code == 201 and made.get_json()["name"] == "Press contacts"
    assert made.headers["Location"] == made.get_json()["_links"]["self"]["href"]
    again = api.post("tags", {"name": "press CONTACTS"})
    assert again.status_code == 200 and uuid_of(again.get_json()) == uuid_of(made.get_json())
    assert tag_count() == 1
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api"))
    assert event.summary == "Created the tag “Press contacts” through the API"


@pytest.mark.parametrize("body,message", [
    ({}, "Give the tag a name."),
    ({"name": "x" * 81}, "A tag name has at most 80 characters."),
    ({"name": 7}, "name must be a string."),
    ({"name": "a\x00b"}, "name contains a control character"),
    ({"name": "Donors", "colour": "red"}, "Unknown field: colour."),
    (["Donors"], "The request body must be a JSON object."),
])
def test_a_bad_tag_is_a_400_naming_the_problem(api, app, body, message):
    response = api.post("tags", body)
    assert response.status_code == 400 and message in response.get_json()["error"]
    assert tag_count() == 0


def test_a_person_is_tagged_by_a_link_to_any_host_once(api, volunteers):
    member = make_member()
    response = api.post(f"tags/{volunteers.uuid}/taggings", person_link(member))
    assert response.status_code == 201, response.get_json()
    tagging = response.get_json()
    assert response.headers["Location"] == tagging["_links"]["self"]["href"]
    assert tagging["item_type"] == "osdi:person" and tagging["created_date"] == tagging["modified_date"]
    assert tagging["_links"]["osdi:person"]["href"] == f"http://localhost/api/v2/people/{member.uuid}"
    assert tagging["_links"]["osdi:tag"]["href"] == f"http://localhost/api/v2/tags/{volunteers.uuid}"
    assert [tag.name for tag in tags_of(member)] == ["Volunteers"]
    assert any(entry.text == "Tagged “Volunteers” (API: Test sync)" for entry in timeline(member))
    again = api.post(f"tags/{volunteers.uuid}/taggings", person_link(member, "http://localhost/api/v2"))
    assert again.status_code == 200 and again.get_json() == tagging
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api"))
    assert event.member_id == member.id and "Tagged" in event.summary


@pytest.mark.parametrize("body,status,message", [
    ({}, 400, "Name the person with _links"),
    ({"_links": {"osdi:person": "people/x"}}, 400, "_links.osdi:person must be an object with an href"),
    ({"_links": []}, 400, "Name the person with _links"),
    ({"_links": {"osdi:person": {"href": "https://x.example/people/nobody"}}}, 404, "Couldn't find person with id = nobody"),
    ({"person": {}}, 400, "Unknown field: person."),
])
def test_a_bad_tagging_is_refused_and_tags_nobody(api, volunteers, body, status, message):
    response = api.post(f"tags/{volunteers.uuid}/taggings", body)
    assert response.status_code == status and message in response.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(MemberTag)) == 0


def test_an_unknown_tag_is_a_404_on_every_taggings_route(api, app):
    member = make_member()
    for response in (api.get("tags/nope/taggings"), api.post("tags/nope/taggings", person_link(member)),
                     api.get(f"tags/nope/taggings/{member.uuid}"), api.delete(f"tags/nope/taggings/{member.uuid}")):
        assert response.status_code == 404 and response.get_json() == {"error": "Couldn't find tag with id = nope"}


def test_a_tags_taggings_and_a_persons_taggings_name_the_same_tagging(api, volunteers):
    donors = create_tag("Donors", None)
    member, other, merged = make_member(), make_member(), make_member(status=MembershipStatus.MERGED)
    for person in (member, other, merged):
        tag_member(person, volunteers, None)
    tag_member(member, donors, None)
    db.session.commit()
    of_tag = api.get(f"tags/{volunteers.uuid}/taggings").get_json()
    assert of_tag["total_records"] == 2   # a merged record's tags are not shown
    of_person = api.get(f"people/{member.uuid}/taggings/").get_json()
    assert of_person["total_records"] == 2 and list(of_person["_embedded"]) == ["osdi:taggings"]
    shared = [t for t in of_person["_embedded"]["osdi:taggings"] if t["_links"]["osdi:tag"]["href"].endswith(volunteers.uuid)]
    assert shared[0] in of_tag["_embedded"]["osdi:taggings"]
    # Its self link reads it back; the id is not the person's own.
    assert api.get(shared[0]["_links"]["self"]["href"]).get_json() == shared[0]
    assert uuid_of(shared[0]) != member.uuid
    assert api.get(f"tags/{volunteers.uuid}/taggings/{member.uuid}").status_code == 404


def test_walking_a_tags_taggings_visits_each_once(api, volunteers):
    members = [make_member() for _ in range(12)]
    for member in members:
        tag_member(member, volunteers, None)
    db.session.execute(update(MemberTag).values(added_at=utcnow()))   # all at one moment: the id breaks ties
    db.session.commit()
    seen, url = [], f"tags/{volunteers.uuid}/taggings?per_page=5"
    while url:
        body = api.get(url).get_json()
        seen += [t["_links"]["osdi:person"]["href"].rsplit("/", 1)[1] for t in body["_embedded"]["osdi:taggings"]]
        url = body["_links"].get("next", {}).get("href")
    assert sorted(seen) == sorted(m.uuid for m in members)


def test_deleting_a_tagging_takes_the_tag_off_in_action_networks_words(api, volunteers):
    member = make_member()
    tagging = api.post(f"tags/{volunteers.uuid}/taggings", person_link(member)).get_json()
    url = tagging["_links"]["self"]["href"]
    response = api.delete(url)
    assert response.status_code == 200 and response.get_json() == {"notice": "This tagging was successfully deleted."}
    assert tags_of(member) == []
    removed = db.session.scalars(select(TagChange).where(TagChange.added.is_(False))).one()
    assert removed.source == "API: Test sync" and removed.member_id == member.id
    gone = api.delete(url)
    assert gone.status_code == 404 and gone.get_json() == {"error": f"Couldn't find tagging with id = {uuid_of(tagging)}"}
    for bad in ("not-a-uuid", "x" * 80):
        assert api.delete(f"tags/{volunteers.uuid}/taggings/{bad}").status_code == 404
    # Tagged again, the tagging has the same id.
    assert api.post(f"tags/{volunteers.uuid}/taggings", person_link(member)).get_json()["identifiers"] == tagging["identifiers"]
    summaries = list(db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "api").order_by(AuditEvent.id)))
    assert len(summaries) == 3 and summaries[1].startswith("Took the tag “Volunteers” off")


def test_a_read_only_key_gets_403_on_every_write(read_api, volunteers):
    member = make_member()
    tag_member(member, volunteers, None)
    db.session.commit()
    writes = [("POST", "people", {}), ("PUT", f"people/{member.uuid}", {}), ("POST", "tags", {"name": "New"}),
              ("POST", f"tags/{volunteers.uuid}/taggings", person_link(member)),
              ("DELETE", f"tags/{volunteers.uuid}/taggings/{member.uuid}", None)]
    for method, path, body in writes:
        response = read_api.request(method, path, body)
        assert response.status_code == 403, (method, path)
        assert response.get_json() == {"error": "This API key may only read. Ask an admin for a read and write key."}
    assert tag_count() == 1 and len(tags_of(member)) == 1
