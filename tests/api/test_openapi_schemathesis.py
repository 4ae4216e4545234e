"""Schemathesis against the served OpenAPI document: every operation, on the suite's database.

Each operation gets generated requests, valid and invalid, with a read and write key and a world of
real records (tests/support/world.py) whose ids replace most generated ones, so requests reach
records as well as 404s. Every answer must be no 5xx, a documented status, the documented content
type, and a body matching its schema. Derandomized and bounded: the same cases on every run.
"""
import copy
import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from leap_members import create_app
from leap_members.api.tags import paired_uuid
from tests.conftest import build_config
from tests.support.api import make_key
from tests.support.world import build_world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 25
BASE = "http://localhost/api/v2"

# The document as the app serves it; the requests go to each test's own app (its database).
schema = schemathesis.openapi.from_wsgi("/api/v2/openapi.json", create_app(build_config()))


def known_ids(world) -> dict[str, list[str]]:
    """Real ids by the collection a path names them under (``/people/{uuid}``: people)."""
    records = world.records
    return {
        "people": [world.owner.uuid, world.other.uuid, world.staff.uuid],
        "tags": [records["tag"].uuid],
        "taggings": [paired_uuid(records["tag"].uuid, world.owner.uuid)],   # the tag is on the owner
        "donations": [records["paid_gift"].uuid, records["monthly_charge"].uuid],
        "petitions": [records["petition"].uuid],
        "signatures": [records["petition_signup"].uuid],
        "events": [records["event"].uuid],
        "attendances": [records["event_signup"].uuid],
        "advocacy_campaigns": [records["letter"].uuid],
        "outreaches": [records["letter_signup"].uuid],
        "lists": [records["segment"].uuid],
        "queries": [records["segment"].uuid],
        "items": [world.owner.uuid],   # the segment is of verified members; the owner is one
    }


def aim_at_records(case, ids: dict[str, list[str]], turn: int) -> None:
    """Put real ids in the path and in an osdi:person link, three cases in four (the fourth keeps
    the generated ids, for the 404s). ``turn`` counts the cases, so the choice is the same every run."""
    if turn % 4 == 3:
        return
    segments = case.path.strip("/").split("/")
    aimed = dict(case.path_parameters or {})
    for index, segment in enumerate(segments):
        choices = ids.get(segments[index - 1], []) if segment.startswith("{") and index else []
        if choices:
            aimed[segment.strip("{}")] = choices[turn % len(choices)]
    case.path_parameters = aimed
    links = case.body.get("_links") if isinstance(case.body, dict) else None
    person = links.get("osdi:person") if isinstance(links, dict) else None
    if isinstance(person, dict) and "href" in person:
        body = copy.deepcopy(case.body)   # generated bodies may be shared between cases
        body["_links"]["osdi:person"]["href"] = f"{BASE}/people/{ids['people'][turn % len(ids['people'])]}"
        case.body = body


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def token(app):
    return make_key("write", name="Schemathesis")


@pytest.fixture
def turns():
    return itertools.count()


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, world, token, turns, client):
    aim_at_records(case, known_ids(world), next(turns))
    case.call_and_validate(session=client, headers={"OSDI-API-Token": token}, checks=CHECKS)
