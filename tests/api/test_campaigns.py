"""Letters to officials as advocacy campaigns, and members' letters as outreaches (read-only)."""
import pytest

from leap_members.advocacy.models import ActionKind, ActionSignup
from leap_members.extensions import db
from tests.advocacy.factories import build_action
from tests.support.api import uuid_of
from tests.support.factories import make_member


@pytest.fixture
def letter(app):
    return build_action(ActionKind.LETTER, slug="fund-crisis-teams", title="Fund crisis teams")


def write(letter, member, **fields) -> ActionSignup:
    signup = ActionSignup(action_id=letter.id, member_id=member.id, status="sent", letter_subject="Please fund them",
                          letter_body="Dear senator, crisis teams save lives.", letters_emailed=2,
                          signature="Pat Member\nSpringfield, IL", **fields)
    db.session.add(signup)
    db.session.commit()
    return signup


def test_a_campaign_reads_with_its_targets_and_letters_sent(api, letter):
    write(letter, make_member())
    body = api.get(f"advocacy_campaigns/{letter.uuid}").get_json()
    assert body["title"] == "Fund crisis teams" and body["type"] == "email" and body["total_outreaches"] == 1
    assert body["targets"][0] == {"name": "Sen. Jordan Ellis", "title": "Chair, Judiciary",
                                  "email_addresses": [{"address": "ellis@legislature.example"}],
                                  "postal_addresses": []}
    assert body["targets"][2]["postal_addresses"] == [{"address_lines": ["State Capitol, Room 100"]}]
    assert body["leap:letter_subject"] == "Fund crisis teams"
    assert body["_links"]["osdi:outreaches"]["href"].endswith(f"/advocacy_campaigns/{letter.uuid}/outreaches")
    listed = api.get("advocacy_campaigns").get_json()
    assert listed["total_records"] == 1 and list(listed["_embedded"]) == ["osdi:advocacy_campaigns"]


def test_outreaches_by_campaign_and_by_person(api, letter):
    member = make_member()
    sent = write(letter, member)
    [outreach] = api.get(f"advocacy_campaigns/{letter.uuid}/outreaches").get_json()["_embedded"]["osdi:outreaches"]
    assert uuid_of(outreach) == sent.uuid
    assert (outreach["subject"], outreach["message"]) == ("Please fund them", "Dear senator, crisis teams save lives.")
    assert [t["name"] for t in outreach["targets"]][:2] == ["Sen. Jordan Ellis", "Rep. Casey Morgan"]
    assert outreach["_links"]["osdi:person"]["href"].endswith(f"/people/{member.uuid}")
    assert api.get(outreach["_links"]["self"]["href"]).get_json() == outreach
    assert api.get(f"people/{member.uuid}/outreaches").get_json()["_embedded"]["osdi:outreaches"] == [outreach]


def test_an_unknown_campaign_is_a_404_and_letters_cannot_be_posted(api, letter):
    assert api.get("advocacy_campaigns/nope").get_json() == {"error": "Couldn't find advocacy campaign with id = nope"}
    response = api.post(f"advocacy_campaigns/{letter.uuid}/outreaches",
                        {"_links": {"osdi:person": {"href": f"people/{make_member().uuid}"}}})
    assert response.status_code == 405


def test_a_page_of_outreaches_or_campaigns_takes_the_same_few_queries(api, letter, count_queries):
    for _ in range(10):
        write(letter, make_member())
    for _ in range(5):
        build_action(ActionKind.LETTER)

    def statements(path):
        with count_queries() as counter:
            assert api.get(path).status_code == 200
        return counter.count
    api.get("advocacy_campaigns")
    outreaches = f"advocacy_campaigns/{letter.uuid}/outreaches"
    assert statements(outreaches + "?per_page=2") == statements(outreaches + "?per_page=10") <= 7
    assert statements("advocacy_campaigns?per_page=2") == statements("advocacy_campaigns?per_page=6") <= 6
