"""Hostile input on every staff route, as an admin (who gets past every role check): never a 500."""
import pytest

from tests.security.routes import ROUTES, dummy_url

STAFF_ROUTES = [p for p in ROUTES if p.values[0].startswith("/staff/")]
HOSTILE_QUERY = ("?q=%00&sort=name%27%20OR%201%3D1--&page=-1&per_page=99999999&status=%FF%FE&state=%3Cscript%3E"
                 "&joined_from=2024-13-45&joined_to=not-a-date&duplicate=" + "9" * 40 + "&action=%27")
PAYLOADS = [
    {"q": "\x00", "body": "\x00", "email": "a\x00b@example.org", "columns": "\x00", "reason": "\x00", "title": "\x00"},
    {"source_id": "9" * 400, "confirm": "y", "year": "9" * 400, "columns": "x" * 5000, "body": "y" * 50_000},
    {"source_id": "1 OR 1=1", "status": "active' --", "role": "admin'; DROP TABLE members; --",
     "columns": "email FROM members; --", "sort": "1; DROP TABLE members", "claim1-decision": "approve'"},
    {"source_id": "²", "year": "²", "page": "٣"},
]


@pytest.mark.parametrize("rule,endpoint,method,access", STAFF_ROUTES)
def test_hostile_query_strings_and_forms_get_an_answer_not_a_crash(app, admin_client, member, rule, endpoint,
                                                                   method, access):
    url = dummy_url(app, rule, endpoint, fill_int=member.id)
    if method == "GET":
        responses = [admin_client.get(url + HOSTILE_QUERY)]
    else:
        responses = [admin_client.open(url + HOSTILE_QUERY, method=method, data=payload) for payload in PAYLOADS]
    for response in responses:
        response.get_data()
        response.close()
        assert response.status_code < 500, f"{method} {url} -> {response.status_code}"
