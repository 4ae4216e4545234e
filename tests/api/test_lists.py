"""Saved segments as lists and queries: read-only, worked out when read, their people paged as items."""
import pytest
from sqlalchemy import select, update

from leap_members.core.timeutil import utcnow
from leap_members.extensions import db
from leap_members.members.models import Member, MembershipStatus
from leap_members.outreach.models import Segment
from leap_members.outreach.segments import count
from tests.support.api import uuid_of
from tests.support.factories import make_member


def make_segment(name: str, query: str = "", **fields) -> Segment:
    segment = Segment(name=name, query=query, description=f"About {name}", **fields)
    db.session.add(segment)
    db.session.commit()
    return segment


@pytest.fixture
def officers(app):
    for _ in range(3):
        make_member(category="le_former")
    make_member(category="citizen")
    make_member(category="le_former", status=MembershipStatus.MERGED)
    return make_segment("Former officers", "category=le_former")


@pytest.mark.parametrize("name", ["lists", "queries"])
def test_a_segment_reads_as_a_list_and_as_a_query_with_its_size_now(api, officers, name):
    body = api.get(f"{name}/{officers.uuid}").get_json()
    assert body["identifiers"] == [f"leap_members:{officers.uuid}"]
    assert (body["name"], body["description"]) == ("Former officers", "About Former officers")
    assert body["total_people"] == 3 == count(officers)
    assert body["_links"]["osdi:items"]["href"] == f"http://localhost/api/v2/{name}/{officers.uuid}/items"
    listed = api.get(name).get_json()
    assert listed["total_records"] == 1 and list(listed["_embedded"]) == [f"osdi:{name}"]
    assert api.get(f"{name}/nope").status_code == 404


def test_a_lists_items_are_its_people_now_paged_without_skipping_or_repeating(api, officers):
    db.session.execute(update(Member).values(updated_at=utcnow()))   # ties: the id orders them
    db.session.commit()
    seen, url = [], f"lists/{officers.uuid}/items?per_page=2"
    while url:
        body = api.get(url).get_json()
        assert body["total_records"] == 3 and list(body["_embedded"]) == ["osdi:items"]
        seen += [item["_links"]["osdi:person"]["href"].rpartition("/")[2] for item in body["_embedded"]["osdi:items"]]
        url = body["_links"].get("next", {}).get("href")
    expected = db.session.scalars(select(Member.uuid).where(Member.category == "le_former",
                                                                Member.status != MembershipStatus.MERGED))
    assert sorted(seen) == sorted(expected)
    make_member(category="le_former")
    assert api.get(f"queries/{officers.uuid}/items").get_json()["total_records"] == 4


def test_an_item_reads_by_its_self_link_and_a_person_outside_the_list_is_not_an_item(api, officers):
    item = api.get(f"lists/{officers.uuid}/items").get_json()["_embedded"]["osdi:items"][0]
    assert item["item_type"] == "osdi:person" and item["_links"]["osdi:list"]["href"].endswith(officers.uuid)
    assert api.get(item["_links"]["self"]["href"]).get_json() == item
    outsider = db.session.scalar(select(Member).where(Member.category == "citizen"))
    response = api.get(f"lists/{officers.uuid}/items/{outsider.uuid}")
    assert response.get_json() == {"error": f"Couldn't find item with id = {outsider.uuid}"}


def test_a_segment_that_cannot_be_worked_out_says_why(api, app):
    broken = make_segment("Loop")
    broken.include_ids = str(broken.id)
    db.session.commit()
    body = api.get(f"lists/{broken.uuid}").get_json()
    assert body["total_people"] is None and "includes itself" in body["leap:problem"]
    response = api.get(f"lists/{broken.uuid}/items")
    assert response.status_code == 409 and "includes itself" in response.get_json()["error"]


def test_items_filter_by_the_persons_dates(api, officers):
    body = api.get(f"lists/{officers.uuid}/items", query_string={"filter": "modified_date lt '2000-01-01'"})
    assert body.get_json()["total_records"] == 0


def test_lists_are_read_only(api, officers):
    assert api.post("lists", {"name": "New"}).status_code == 405
    assert api.post(f"lists/{officers.uuid}/items", {}).status_code == 405


def test_a_page_of_lists_counts_every_segment_in_one_query(api, officers, count_queries):
    for n in range(6):
        make_segment(f"Segment {n}", f"category=citizen&state=IL&q=Member{n}")

    def statements(per_page):
        with count_queries() as counter:
            body = api.get(f"lists?per_page={per_page}").get_json()
        assert len(body["_embedded"]["osdi:lists"]) == per_page
        return counter.count, {uuid_of(s): s["total_people"] for s in body["_embedded"]["osdi:lists"]}
    api.get("lists")
    (few, _), (many, sizes) = statements(2), statements(7)
    assert few == many <= 5
    assert sizes == {s.uuid: count(s) for s in db.session.scalars(select(Segment))}
