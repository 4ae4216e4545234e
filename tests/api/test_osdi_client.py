"""A third-party OSDI client, unchanged, against the app under gunicorn: parsons' Action Network
connector pointed at our base URL, with a key made by ``flask create-api-key`` as an operator makes
one. It lists people, creates and updates a person without duplicating them, tags them, records a
signature and an attendance, and reads donations.

parsons finds a record's id by the ``action_network:`` prefix, so the app runs with
API_EXTRA_ID_SYSTEM=action_network. Its own create_signature and create_attendance send the
payload as query parameters (a bug of theirs), so those two go through its own connector
(``an.api.post_request``), as its users do.
"""
import warnings

import pytest

from leap_members import create_app
from leap_members.extensions import db
from tests.conftest import DATABASE_URL, build_config
from tests.support.database import fresh_database
from tests.support.servers import flask_command, gunicorn_app
from tests.support.world import build_world

with warnings.catch_warnings():
    # parsons says on import that its pip install changed; nothing else of its is silenced.
    warnings.filterwarnings("ignore", message="The behavior of 'pip install parsons' has changed",
                            category=RuntimeWarning)
    from parsons import ActionNetwork
    from parsons.utilities.api_connector import APIConnector


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app under gunicorn on a new database holding the test world, and a write key from the CLI."""
    tmp_path = tmp_path_factory.mktemp("osdi-client")
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        with gunicorn_app(url, str(tmp_path), API_EXTRA_ID_SYSTEM="action_network") as running:
            app = create_app(build_config(SQLALCHEMY_DATABASE_URI=url))
            with app.app_context():
                world = build_world()
                running.ids = {"owner": world.owner.uuid, "other": world.other.uuid,
                               "petition": world.records["petition"].uuid, "event": world.records["event"].uuid}
                running.listed_emails = {member.email for member in (world.owner, world.other, world.unconfirmed,
                                                                     world.staff, world.admin)}
                db.session.remove()
                db.engine.dispose()
            made = flask_command(running.env, "create-api-key", "--name", "Parsons sync", "--scope", "write")
            assert made.returncode == 0, made.stderr
            running.token = made.stdout.strip().splitlines()[0]
            yield running
            assert "Traceback" not in running.log(), running.log()[-3000:]


@pytest.fixture
def an(server):
    """parsons' connector as its documentation has it, the base URL ours."""
    base = server.url + "/api/v2"
    client = ActionNetwork(api_token=server.token)
    client.api_url = base
    client.api = APIConnector(base, headers=client.headers)
    client.base = base
    return client


def an_id(record: dict) -> str:
    """The id as parsons reads it: the action_network: identifier."""
    return next(found.split(":", 1)[1] for found in record["identifiers"] if found.startswith("action_network:"))


def person_link(an, uuid: str) -> dict:
    return {"_links": {"osdi:person": {"href": f"{an.base}/people/{uuid}"}}}


def test_parsons_lists_every_person_page_by_page(an, server):
    people = an.get_people()
    assert {row["email_addresses"][0]["address"] for row in people} == server.listed_emails
    assert an.get_person(server.ids["owner"])["family_name"] == "Okonkwo-Private"


def test_parsons_creates_a_person_then_updates_them_without_a_duplicate(an):
    before = an.get_people().num_rows
    made = an.upsert_person(email_address="nia.new@example.org", given_name="Nia", family_name="New")
    assert made["created_date"] == made["modified_date"]   # how parsons tells "added" from "updated"
    again = an.upsert_person(email_address="NIA.New@example.org", given_name="Nia", family_name="Newton")
    assert an_id(again) == an_id(made) and again["family_name"] == "Newton"
    assert again["modified_date"] > again["created_date"]
    assert an.get_people().num_rows == before + 1

    an.update_person(an_id(made), given_name="Nina", custom_fields={"ward": "7"})
    person = an.get_person(an_id(made))
    assert person["given_name"] == "Nina" and person["custom_fields"] == {"ward": "7"}
    assert an.get_people().num_rows == before + 1


def test_parsons_makes_a_tag_and_tags_a_person(an, server):
    tag = an.add_tag("Parsons volunteers")
    assert "Parsons volunteers" in {row["name"] for row in an.get_tags()}
    an.create_tagging(an_id(tag), person_link(an, server.ids["other"]))
    taggings = an.get_taggings(an_id(tag))
    assert [row["_links"]["osdi:person"]["href"].rpartition("/")[2] for row in taggings] == [server.ids["other"]]


def test_parsons_records_a_signature_and_an_attendance(an, server):
    petition, event = server.ids["petition"], server.ids["event"]
    signature = an.api.post_request(url=f"petitions/{petition}/signatures",
                                    json={"comments": "Treatment, not jail.", **person_link(an, server.ids["other"])})
    assert signature["comments"] == "Treatment, not jail."
    signed = {row["_links"]["osdi:person"]["href"].rpartition("/")[2] for row in an.get_petition_signatures(petition)}
    assert server.ids["other"] in signed

    attendance = an.api.post_request(url=f"events/{event}/attendances", json=person_link(an, server.ids["other"]))
    assert attendance["status"] == "accepted"
    going = {an_id(row) for row in an.get_person_attendances(server.ids["other"])}
    assert an_id(attendance) in going


def test_parsons_reads_donations_with_amounts_as_strings(an, server):
    donations = an.get_donations()
    assert sorted(row["amount"] for row in donations) == ["123.45", "50.00", "50.00"]   # the paid gifts
    mine = an.get_person_donations(server.ids["owner"])
    assert sorted(row["amount"] for row in mine) == ["123.45", "50.00"]
    assert all(row["currency"] == "USD" for row in mine)
