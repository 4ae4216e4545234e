"""Rules every API route keeps: a trailing slash changes nothing, a body over the limit is a 413."""
import pytest

from tests.support.factories import make_member
from tests.support.world import build_world


def api_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v2/")),
                  key=lambda rule: rule.rule)


def test_every_route_answers_the_same_with_and_without_a_trailing_slash(app, api):
    world = build_world()
    for rule in api_rules(app):
        path = rule.build(world.url_values(rule), append_unknown=False)[1].rstrip("/")
        for method in sorted(rule.methods & {"GET", "POST", "PUT", "DELETE"}):
            body = {} if method in ("POST", "PUT") else None
            plain = api.request(method, path, body)
            slashed = api.request(method, path + "/", body)
            assert plain.status_code < 300 or plain.status_code >= 400, f"{method} {path} redirects"
            assert (slashed.status_code, method) == (plain.status_code, method), f"{method} {path}/"


@pytest.mark.parametrize("path", ["people", "people/"])
def test_a_body_over_the_limit_is_a_413_in_json(api, path):
    response = api.post(path, b'{"person": {"given_name": "' + b"x" * (1024 * 1024) + b'"}}')
    assert response.status_code == 413 and "error" in response.get_json()


def test_an_unknown_api_address_is_a_404_in_json(api):
    make_member()
    response = api.get("no-such-collection")
    assert response.status_code == 404 and list(response.get_json()) == ["error"]
