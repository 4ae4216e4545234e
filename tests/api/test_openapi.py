"""The OpenAPI document: served to anyone, valid OpenAPI 3.1, every route described, schemas strict."""
import copy

import jsonschema_rs
import pytest
import schemathesis

from leap_members.api import openapi_operations, openapi_schemas
from leap_members.api.openapi import MissingDescription, api_rules, document, openapi_path, operations_of
from tests.support.api import ApiClient
from tests.support.factories import make_member
from tests.support.world import build_world


def served(client) -> dict:
    response = client.get("/api/v2/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_served_without_a_key_and_is_valid_openapi_3_1(app, client):
    spec = served(client)
    assert spec["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(spec).validate()   # against the OpenAPI 3.1 meta-schema
    assert spec["servers"] == [{"url": "http://localhost/api/v2"}]
    assert spec["components"]["securitySchemes"]["apiKey"] == {"type": "apiKey", "in": "header",
                                                               "name": "OSDI-API-Token"}
    assert spec["paths"]["/people"]["get"]["security"] == [{"apiKey": []}]
    assert "/openapi.json" not in spec["paths"]


def test_every_route_and_method_of_the_api_is_in_the_document_and_nothing_else(app, client):
    paths = served(client)["paths"]
    routes = {(openapi_path(rule), method.lower()) for rule in api_rules() for method in operations_of(rule)}
    assert {(path, method) for path, methods in paths.items() for method in methods} == routes
    described = {(endpoint, method) for endpoint, methods in openapi_operations.OPERATIONS.items() for method in methods}
    endpoints = {(rule.endpoint.removeprefix("api."), method.lower()) for rule in api_rules()
                 for method in operations_of(rule)}
    assert described == endpoints, "OPERATIONS describes routes that do not exist"


def test_a_route_without_a_description_fails_naming_it(app, monkeypatch):
    monkeypatch.setitem(openapi_operations.OPERATIONS, "person", {})
    with pytest.raises(MissingDescription, match=r"GET /api/v2/people/<uuid> \(endpoint api.person\)"):
        document()


def test_operations_document_their_parameters_errors_and_answers(app, client):
    paths = served(client)["paths"]
    listing = paths["/people"]["get"]
    names = [parameter["$ref"].rpartition("/")[2] for parameter in listing["parameters"]]
    assert names == ["page", "per_page", "after", "filter"]
    assert "email_address" in listing["description"]
    assert set(listing["responses"]) == {"200", "400", "401", "429"}
    assert set(paths["/petitions/{uuid}/signatures"]["post"]["responses"]) == {
        "200", "201", "400", "401", "403", "404", "409", "413", "429"}
    person = paths["/people/{uuid}"]["get"]
    assert person["parameters"][0]["in"] == "path" and person["parameters"][0]["schema"]["format"] == "uuid"
    assert person["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/Person"}
    assert "404" in person["responses"]
    assert paths["/"]["get"]["responses"]["200"]["content"]["application/hal+json"]["schema"]["$ref"].endswith(
        "/EntryPoint")


def validator(component: str):
    return jsonschema_rs.validator_for({"$ref": f"#/components/schemas/{component}",
                                        "components": {"schemas": openapi_schemas.COMPONENTS}},
                                       validate_formats=True)


def test_the_person_schema_accepts_a_real_person_and_catches_mistakes(api, app):
    member = make_member(category="le_former", phone="555-0100", custom_fields={"ward": "7"})
    person = api.get(f"people/{member.uuid}").get_json()
    page = api.get("people").get_json()
    assert validator("Person").is_valid(person) and validator("PeoplePage").is_valid(page)

    def broken(change) -> bool:
        copied = copy.deepcopy(person)
        change(copied)
        return not validator("Person").is_valid(copied)

    assert broken(lambda p: p.pop("modified_date"))
    assert broken(lambda p: p.update(created_date="2026-01-01 10:00:00"))   # not ISO 8601 with Z
    assert broken(lambda p: p.update(nickname="Dee"))                      # a key nobody described
    assert broken(lambda p: p["email_addresses"][0].update(status="maybe"))
    assert broken(lambda p: p.update(identifiers=[f"other:{member.uuid}"]))
    assert not validator("PeoplePage").is_valid({**page, "_embedded": {"osdi:people": [], "extra": []}})


def test_the_donation_schema_holds_amounts_to_two_decimals(api, app):
    world = build_world()
    gift = api.get(f"donations/{world.records['paid_gift'].uuid}").get_json()
    assert validator("Donation").is_valid(gift) and gift["amount"] == "50.00"
    assert not validator("Donation").is_valid({**gift, "amount": "50"})
    assert not validator("Donation").is_valid({**gift, "amount": 50.0})
    assert not validator("Donation").is_valid({**gift, "action_date": gift["action_date"].removesuffix("Z")})


def test_the_error_schema_is_what_the_api_answers(app, client):
    answer = ApiClient(client, None).get("people").get_json()
    assert validator("Error").is_valid(answer) and not validator("Error").is_valid({"message": "x"})
