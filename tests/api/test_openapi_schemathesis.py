"""Schemathesis against the served OpenAPI document: every operation, on the suite's database.

Each operation gets generated requests, valid and invalid, with a read and write key and a world of
real records (tests/support/world.py) whose ids replace most generated ones, so requests reach
records as well as 404s. Every answer must be no 5xx, a documented status, the documented content
type, and a body matching its schema. Derandomized and bounded: the same cases on every run.
"""
import zlib

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
from tests.conftest import build_config
from tests.support.api import make_key
from tests.support.world import build_world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 25

# The document as the app serves it; the requests go to each test's own app (its database).
schema = schemathesis.openapi.from_wsgi("/api/v2/openapi.json", create_app(build_config()))


def known_ids(world) -> dict[str, list[str]]:
    """Real ids by the collection a path names them under (``/people/{uuid}``: people)."""
    records = world.records
    return {
        "people": [world.owner.uuid, world.other.uuid, world.staff.uuid],
        "tags": [records["tag"].uuid],
        "donations": [records["paid_gift"].uuid, records["monthly_charge"].uuid],
        "petitions": [records["petition"].uuid],
        "events": [records["event"].uuid],
        "advocacy_campaigns": [records["letter"].uuid],
        "lists": [records["segment"].uuid],
        "queries": [records["segment"].uuid],
    }


def pick(generated: object, choices: list[str]) -> object:
    """Most of the time one of ``choices``, chosen by the generated value itself (deterministic);
    otherwise the generated value, for the 404s."""
    number = zlib.crc32(repr(generated).encode())
    return choices[number % len(choices)] if choices and number % 4 else generated


def aim_at_records(case, ids: dict[str, list[str]], base: str) -> None:
    segments = case.path.strip("/").split("/")
    for index, segment in enumerate(segments):
        if segment.startswith("{") and index:
            name = segment.strip("{}")
            case.path_parameters[name] = pick(case.path_parameters.get(name), ids.get(segments[index - 1], []))
    person_link = case.body.get("_links", {}).get("osdi:person") if isinstance(case.body, dict) else None
    if isinstance(person_link, dict) and "href" in person_link:
        person_link["href"] = f"{base}/people/{pick(person_link['href'], ids['people'])}"


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def token(app):
    return make_key("write", name="Schemathesis")


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, world, token, client):
    aim_at_records(case, known_ids(world), "http://localhost/api/v2")
    case.call_and_validate(session=client, headers={"OSDI-API-Token": token}, checks=CHECKS)
