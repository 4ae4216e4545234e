"""API keys: made once and shown once, stored hashed, revoked for good; cookies never get in."""
from sqlalchemy import select

from leap_members.admin.models import AuditEvent
from leap_members.api.models import ApiKey
from leap_members.extensions import db
from tests.support.api import ApiClient, make_key
from tests.support.clients import log_in


def test_create_api_key_prints_the_key_once_and_stores_only_its_hash(app, client, runner):
    result = runner.invoke(args=["create-api-key", "--name", "Mobilize sync", "--scope", "read"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    key = db.session.scalars(select(ApiKey)).one()
    assert token.startswith("leap_") and len(token) > 40 and token not in key.key_hash
    assert key.scope == "read" and key.name == "Mobilize sync" and token.startswith(key.prefix)
    assert ApiClient(client, token).get("people").status_code == 200
    assert "Created API key 'Mobilize sync'" in db.session.scalars(select(AuditEvent.summary)).one()
    listed = runner.invoke(args=["list-api-keys"]).output
    assert key.prefix in listed and token not in listed


def test_no_key_an_unknown_key_and_a_revoked_key_get_401(app, client, runner):
    assert ApiClient(client, None).get("people").status_code == 401
    assert ApiClient(client, "leap_not-a-key").get("people").get_json()["error"].startswith("This API key is not known")
    token = make_key()
    key = db.session.scalars(select(ApiKey)).one()
    assert runner.invoke(args=["revoke-api-key", str(key.id)]).exit_code == 0
    response = ApiClient(client, token).get("people")
    assert response.status_code == 401 and "revoked" in response.get_json()["error"]


def test_a_staff_session_cookie_does_not_reach_the_api(app, client, admin):
    log_in(client, admin)
    assert client.get("/api/v2/people").status_code == 401
    assert client.get("/staff/").status_code == 200   # the session itself works


def test_last_use_is_recorded(app, client):
    api = ApiClient(client, make_key())
    assert db.session.scalars(select(ApiKey.last_used_at)).one() is None
    api.get("people")
    db.session.expire_all()
    assert db.session.scalars(select(ApiKey.last_used_at)).one() is not None


def test_the_entry_point_links_every_collection_in_hal(api):
    response = api.get("")
    body = response.get_json()
    assert response.mimetype == "application/hal+json" and body["max_pagesize"] == 100
    assert body["_links"]["curies"][0]["name"] == "osdi"
    assert body["_links"]["osdi:people"]["href"] == "http://localhost/api/v2/people"
    assert api.get("/api/v2").status_code == 200


def test_each_key_has_its_own_rate_limit(app_factory):
    application = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_API="3 per minute")
    with application.app_context():
        busy, quiet = (ApiClient(application.test_client(), make_key(name=name)) for name in ("Busy", "Quiet"))
        assert [busy.get("people").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert busy.get("people").get_json()["error"]
        assert quiet.get("people").status_code == 200
