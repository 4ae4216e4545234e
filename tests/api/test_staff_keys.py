"""API keys in the staff console: admins list, make (shown once) and revoke keys; everyone else is kept out."""
from sqlalchemy import select

from leap_members.admin.models import AuditEvent
from leap_members.api.keys import create_key, revoke
from leap_members.api.models import ApiKey
from leap_members.extensions import db
from tests.support.api import ApiClient
from tests.support.clients import client_as
from tests.support.factories import make_member


def new_key(client, **data):
    form = {"name": "Mobilize sync", "scope": "write", **data}
    return client.post("/staff/api/keys", data=form)


def test_the_list_shows_each_keys_facts_and_never_a_secret(app, admin):
    key, token = create_key("Zapier: new donors", "read", "Ada Admin <ada@example.org>", subscribe_new_people=True)
    old, _ = create_key("Old report", "write", "command line (ops)")
    revoke(old, "Sam Staff <sam@example.org>")
    db.session.commit()
    html = client_as(app, admin).get("/staff/api/keys").get_data(as_text=True)
    for shown in ("Zapier: new donors", f"{key.prefix}…", "Read only", "Read and write", "Ada Admin",
                  "command line (ops)", "Never", "Revoked", "Sam Staff"):
        assert shown in html
    assert token not in html and key.key_hash not in html


def test_a_new_key_is_shown_once_in_the_answer_and_works(app, admin):
    client = client_as(app, admin)
    response = new_key(client, subscribe_new_people="y")
    html = response.get_data(as_text=True)
    key = db.session.scalars(select(ApiKey)).one()
    token = next(word for word in html.replace('"', " ").split() if word.startswith(key.prefix))
    assert response.status_code == 200 and "only time it is shown" in html
    assert key.scope == "write" and key.subscribe_new_people and key.created_by_label.startswith(admin.full_name)
    assert ApiClient(app.test_client(), token).get("people").status_code == 200
    # Never again: not on the list, not in a cookie the browser keeps.
    assert token not in client.get("/staff/api/keys").get_data(as_text=True)
    assert all(token not in cookie for cookie in response.headers.getlist("Set-Cookie"))
    with client.session_transaction() as session:
        assert token not in repr(dict(session))
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api-key")).all()
    assert event.summary == f"Created API key 'Mobilize sync' ({key.prefix}…, read and write)"
    assert event.actor_id == admin.id


def test_a_key_without_a_name_is_refused_next_to_the_field(app, admin):
    response = new_key(client_as(app, admin), name="  ")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="name-error"' in html and "Say which tool will use the key." in html
    assert db.session.scalars(select(ApiKey)).all() == []


def test_revoking_asks_first_then_the_key_stops_working(app, admin):
    key, token = create_key("Mobilize sync", "write", "test")
    db.session.commit()
    client = client_as(app, admin)
    page = client.get(f"/staff/api/keys/{key.id}/revoke")
    assert page.status_code == 200 and "Revoke the key “Mobilize sync”?" in page.get_data(as_text=True)
    assert ApiClient(app.test_client(), token).get("people").status_code == 200
    response = client.post(f"/staff/api/keys/{key.id}/revoke")
    assert response.status_code == 302
    db.session.expire_all()
    assert key.is_revoked and key.revoked_by_label.startswith(admin.full_name)
    assert ApiClient(app.test_client(), token).get("people").status_code == 401
    assert "Revoked API key 'Mobilize sync'" in db.session.scalars(
        select(AuditEvent.summary).where(AuditEvent.action == "api-key")).one()
    again = client.post(f"/staff/api/keys/{key.id}/revoke", follow_redirects=True)
    assert "revoked already" in again.get_data(as_text=True)


def test_staff_who_are_not_admins_get_403_and_visitors_are_sent_to_log_in(app, staff):
    key, _ = create_key("Mobilize sync", "write", "test")
    db.session.commit()
    for path in ("/staff/api/keys", f"/staff/api/keys/{key.id}/revoke"):
        assert client_as(app, staff).get(path).status_code == 403
        assert client_as(app, staff).post(path, data={"name": "x", "scope": "read"}).status_code == 403
        assert "/login" in app.test_client().get(path).headers["Location"]
    assert db.session.scalars(select(ApiKey)).one().revoked_at is None


def test_the_staff_nav_shows_api_to_admins_only(app, admin, staff):
    assert 'href="/staff/api/keys"' in client_as(app, admin).get("/staff/").get_data(as_text=True)
    assert 'href="/staff/api/keys"' not in client_as(app, staff).get("/staff/").get_data(as_text=True)


def test_key_forms_without_a_csrf_token_are_refused(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = make_member(role="admin", email="csrf.admin@example.org")
        key, _ = create_key("Mobilize sync", "write", "test")
        db.session.commit()
        client = client_as(app, admin)
        assert 'name="csrf_token"' in client.get("/staff/api/keys").get_data(as_text=True)
        assert new_key(client).status_code == 400
        assert client.post(f"/staff/api/keys/{key.id}/revoke").status_code == 400
        db.session.expire_all()
        assert [k.revoked_at for k in db.session.scalars(select(ApiKey))] == [None]
