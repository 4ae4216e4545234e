"""The OpenAPI 3.1 description of the API, served at /api/v2/openapi.json.

Its paths come from the URL map, so no route is ever left out: each route's operation is described
by its entry in openapi_operations.OPERATIONS (keyed by endpoint name, then method), and a route
without one fails the tests (tests/api/test_openapi.py) instead of going undescribed.
"""
import json
import re

from flask import current_app
from werkzeug.routing import Rule

from . import bp
from .auth import HEADER
from .hal import api_root
from .openapi_operations import ERROR_MESSAGES, OPERATIONS, PARAMETERS, Operation
from .openapi_schemas import COMPONENTS
from .routing import api_route

PREFIX = "/api/v2"
OWN_ENDPOINT = "api.openapi"
WRITING = ("POST", "PUT", "PATCH", "DELETE")
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


class MissingDescription(LookupError):
    """A route of the API has no entry in OPERATIONS."""


def api_rules() -> list[Rule]:
    """Every rule of the API but this document's own."""
    return [rule for rule in current_app.url_map.iter_rules()
            if rule.endpoint.startswith("api.") and rule.endpoint != OWN_ENDPOINT]


def operations_of(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def openapi_path(rule: Rule) -> str:
    """``/api/v2/people/<uuid>`` is ``/people/{uuid}`` under the server's ``/api/v2``."""
    path = ARGUMENT.sub(r"{\1}", rule.rule).removeprefix(PREFIX)
    return path or "/"


def describe(rule: Rule, method: str) -> dict:
    endpoint = rule.endpoint.removeprefix("api.")
    entry = OPERATIONS.get(endpoint, {}).get(method.lower())
    if entry is None:
        raise MissingDescription(f"{method} {rule.rule} (endpoint api.{endpoint}) has no entry in "
                                 "leap_members/api/openapi_operations.py OPERATIONS: describe it there.")
    view = current_app.view_functions[rule.endpoint]
    public = getattr(view, "public", False)
    operation: dict = {"operationId": f"{method.lower()}_{endpoint}", "summary": entry.summary,
                       "tags": [entry.group]}
    if entry.description:
        operation["description"] = entry.description
    parameters = [path_parameter(rule, name) for name in path_arguments(rule)]
    parameters += [{"$ref": f"#/components/parameters/{name}"} for name in entry.query]
    if parameters:
        operation["parameters"] = parameters
    if entry.body:
        content: dict = {"schema": {"$ref": f"#/components/schemas/{entry.body}"}}
        if entry.example is not None:
            content["example"] = entry.example
        operation["requestBody"] = {"required": True, "content": {"application/json": content}}
    operation["responses"] = responses(entry, method, has_path_arguments=bool(rule.arguments), public=public)
    operation["security"] = [] if public else [{"apiKey": []}]
    return operation


def path_arguments(rule: Rule) -> list[str]:
    """The rule's arguments in the order the path names them."""
    return ARGUMENT.findall(rule.rule)


def path_parameter(rule: Rule, name: str) -> dict:
    """Every id in the API's paths is a record's uuid (a converter would mean another kind of id)."""
    if f"<{name}>" not in rule.rule:
        raise MissingDescription(f"{rule.rule}: openapi.py describes path arguments as uuids, not <...:{name}>.")
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"},
            "description": "The record's id: the uuid of its leap_members identifier."}


def responses(entry: Operation, method: str, *, has_path_arguments: bool, public: bool) -> dict:
    found = {str(status): {"description": entry.answer, "content": {entry.media_type: {
        "schema": {"$ref": f"#/components/schemas/{entry.ok}"}}}} for status in entry.statuses}
    errors = {400, 429}   # 400 for every route: a control character anywhere in the address is refused
    if not public:
        errors |= {401}
    if method in WRITING:
        errors |= {403, 413}
    if has_path_arguments:
        errors |= {404}
    errors |= set(entry.errors)
    for status in sorted(errors):
        found[str(status)] = {"$ref": f"#/components/responses/{status}"}
    return found


def document() -> dict:
    paths: dict[str, dict] = {}
    for rule in api_rules():
        for method in operations_of(rule):
            paths.setdefault(openapi_path(rule), {})[method.lower()] = describe(rule, method)
    return {
        "openapi": "3.1.0",
        "info": {"title": "LEAP Members API", "version": "2",
                 "description": "Action Network's dialect of OSDI v2, in HAL+JSON. Send a key in the "
                                f"{HEADER} header; admins make keys in the staff console or with "
                                "`flask create-api-key`."},
        "servers": [{"url": api_root()}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": HEADER}},
            "parameters": PARAMETERS,
            "schemas": COMPONENTS,
            "responses": {str(status): {"description": message, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}} for status, message in ERROR_MESSAGES.items()},
        },
    }


@api_route(bp, "/openapi.json", public=True)
def openapi():
    return current_app.response_class(json.dumps(document(), ensure_ascii=False), mimetype="application/json")
