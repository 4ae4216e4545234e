"""Walk every route in the URL map: headers always set, hostile query strings never a 500."""
import pytest

from tests.security.routes import get_rules, post_rules, route_url

HOSTILE_QUERY = ("?q=%00&sort=name%27%20OR%201%3D1--&page=-1&per_page=99999999&status=%FF%FE"
                 "&from=2024-13-45&to=not-a-date&next=https://evil.example&category=%3Cscript%3E")


def as_roles(app, member_factory):
    """Clients for an anonymous visitor, a confirmed member and an admin."""
    from tests.support.factories import PASSWORD

    clients = {"anonymous": app.test_client()}
    for role in ("member", "admin"):
        person = member_factory(role=role, email=f"route-{role}@example.org")
        client = app.test_client()
        assert client.post("/login", data={"email": person.email, "password": PASSWORD}).status_code == 302
        clients[role] = client
    return clients


def test_every_page_has_the_security_headers_for_every_role(app, member_factory):
    clients = as_roles(app, member_factory)
    problems = []
    for rule in get_rules(app):
        url = route_url(rule)
        for role, client in clients.items():
            response = client.get(url)
            headers = response.headers
            if response.status_code >= 500:
                problems.append(f"{role} GET {url}: {response.status_code}")
            elif "object-src 'none'" not in headers.get("Content-Security-Policy", ""):
                problems.append(f"{role} GET {url}: no CSP")
            elif headers.get("X-Content-Type-Options") != "nosniff" or "max-age" not in headers.get(
                    "Strict-Transport-Security", ""):
                problems.append(f"{role} GET {url}: missing nosniff or HSTS")
            elif headers.get("Cache-Control") != "no-store":
                problems.append(f"{role} GET {url}: cacheable")
            response.close()
    assert problems == []


def test_hostile_query_strings_never_cause_a_server_error(app, member_factory):
    clients = as_roles(app, member_factory)
    failures = []
    for rule in get_rules(app):
        url = route_url(rule) + HOSTILE_QUERY
        for role, client in clients.items():
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{role} GET {url}: {response.status_code}")
            response.close()
    assert failures == []


@pytest.mark.parametrize("payload", [
    {"email": "a\x00b@example.org", "first_name": "\x00", "comment": "\x00"},
    {"email": "x" * 5000, "first_name": "y" * 5000, "amount": "9" * 400},
    {"id": "1 OR 1=1", "email": "' OR '1'='1", "amount": "1; DROP TABLE members"},
])
def test_hostile_form_posts_never_cause_a_server_error(app, member_factory, payload):
    clients = as_roles(app, member_factory)
    failures = []
    for rule in post_rules(app):
        url = route_url(rule)
        for role, client in clients.items():
            response = client.post(url, data=payload)
            if response.status_code >= 500:
                failures.append(f"{role} POST {url}: {response.status_code}")
            response.close()
    assert failures == []


def test_invalid_utf8_bodies_never_cause_a_server_error(app, member_factory):
    clients = as_roles(app, member_factory)
    failures = []
    for rule in post_rules(app):
        url = route_url(rule)
        for role, client in clients.items():
            response = client.post(url, data=b"email=%FF%FE%FD&first_name=%C3%28&comment=%E2%82",
                                   content_type="application/x-www-form-urlencoded")
            if response.status_code >= 500:
                failures.append(f"{role} POST {url}: {response.status_code}")
            response.close()
    assert failures == []


@pytest.mark.parametrize("body", ['[1, 2]', '"text"', '42', 'null', '{"email": {"nested": true}, "first_name": [1, 2]}',
                                  '{"email": null, "password": 12, "amount_choice": false, "category": []}',
                                  '{"email": "a@example.org"', '{"\\u0000": "\\u0000"}'])
def test_json_bodies_of_any_shape_never_cause_a_server_error(app, member_factory, body):
    """Flask-WTF reads a JSON body as form data, so every form also parses JSON."""
    clients = as_roles(app, member_factory)
    failures = []
    for rule in post_rules(app):
        url = route_url(rule)
        for role, client in clients.items():
            response = client.post(url, data=body, content_type="application/json")
            if response.status_code >= 500:
                failures.append(f"{role} POST {url}: {response.status_code}")
            response.close()
    assert failures == []
