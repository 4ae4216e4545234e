"""Calling the API as another tool does: a key in the OSDI-API-Token header, JSON in and out."""
import json

from leap_members.api.keys import create_key
from leap_members.extensions import db

HAL = "application/hal+json"


def make_key(scope: str = "write", name: str = "Test sync", **options) -> str:
    """A new key's secret, committed."""
    _, token = create_key(name, scope, "test suite", **options)
    db.session.commit()
    return token


class ApiClient:
    """The test client with a key: ``api.get("people")`` is GET /api/v2/people."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def request(self, method: str, path: str, body=None, *, headers: dict | None = None, **options):
        sent = {"OSDI-API-Token": self.token} if self.token else {}
        sent.update(headers or {})
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        url = path if path.startswith(("/", "http")) else f"/api/v2/{path}"
        return self.client.open(url, method=method, data=body, headers=sent,
                                content_type="application/json" if body is not None else None, **options)

    def get(self, path: str, **options):
        return self.request("GET", path, **options)

    def post(self, path: str, body=None, **options):
        return self.request("POST", path, body, **options)

    def put(self, path: str, body=None, **options):
        return self.request("PUT", path, body, **options)

    def delete(self, path: str, **options):
        return self.request("DELETE", path, **options)


def uuid_of(resource: dict) -> str:
    """The uuid of a resource, read as clients do: from its leap_members identifier."""
    return next(item.split(":", 1)[1] for item in resource["identifiers"] if item.startswith("leap_members:"))
