"""Webhook pages of the staff console: register (the secret once), check addresses, watch deliveries,
pause, renew the secret, send a failed one again, delete; admins only, every form with its CSRF token."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from leap_members.admin.models import AuditEvent
from leap_members.api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from leap_members.api.webhooks import EndpointRefused, check_url, register_endpoint
from leap_members.core.timeutil import utcnow
from leap_members.extensions import db
from tests.support.clients import client_as
from tests.support.factories import make_member


def add(client, **data):
    form = {"name": "Mobilize", "url": "https://hooks.example.org/leap", "events": ["person", "signature"], **data}
    return client.post("/staff/api/webhooks/new", data=form)


def endpoint_with_deliveries():
    endpoint, _ = register_endpoint("Mobilize", "https://hooks.example.org/leap", [WebhookEvent.PERSON])
    db.session.commit()
    for _ in range(4):
        make_member()
    delivered, retrying, failed, _queued = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
    delivered.attempts, delivered.last_status, delivered.delivered_at = 1, 204, utcnow()
    retrying.attempts, retrying.last_status, retrying.last_error = 2, 500, "HTTP 500: upstream broke"
    retrying.next_attempt_at = utcnow() + timedelta(minutes=2)
    failed.attempts, failed.last_error, failed.failed_at = 12, "TimeoutError: timed out", utcnow()
    db.session.commit()
    return endpoint, failed


def test_registering_shows_the_secret_once_and_how_to_check_it(app, admin):
    client = client_as(app, admin)
    response = add(client)
    html = response.get_data(as_text=True)
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    assert response.status_code == 200 and endpoint.secret in html and "X-LEAP-Signature" in html
    assert endpoint.events == ["person", "signature"] and endpoint.url == "https://hooks.example.org/leap"
    assert endpoint.secret not in client.get(f"/staff/api/webhooks/{endpoint.id}").get_data(as_text=True)
    assert endpoint.secret not in client.get("/staff/api/webhooks").get_data(as_text=True)
    assert all(endpoint.secret not in cookie for cookie in response.headers.getlist("Set-Cookie"))
    summary = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "webhook")).one()
    assert summary == ("Registered webhook 'Mobilize' to https://hooks.example.org/leap "
                       "(new people, new petition signatures)")


@pytest.mark.parametrize("data, field, message", [
    ({"url": "hooks.example.org"}, "url", "starting with https://"),
    ({"url": "ftp://hooks.example.org/x"}, "url", "starting with https://"),
    ({"url": "https://user:pw@hooks.example.org/x"}, "url", "Leave the user name and password out"),
    ({"url": "https://hooks.example.org:99999/x"}, "url", "not a web address"),
    ({"url": ""}, "url", "Give the address"),
    ({"events": []}, "events", "Choose at least one kind of record to send."),
    ({"events": ["person", "everything"]}, "events", "not a valid choice"),
    ({"name": "x" * 121}, "name", "120"),
])
def test_bad_input_is_refused_next_to_its_field(app, admin, data, field, message):
    response = add(client_as(app, admin), **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = html[html.index(f'id="{field}-error"'):]
    assert message in error[:300]
    assert db.session.scalars(select(WebhookEndpoint)).all() == []


@pytest.mark.parametrize("url", ["http://hooks.example.org/x", "https://127.0.0.1/x", "https://10.1.2.3/x",
                                 "https://[::1]/x", "https://169.254.169.254/latest", "https://localhost/x",
                                 "https://printer.local/x", "https://[::ffff:192.168.0.1]/x"])
def test_in_production_only_public_https_addresses_are_taken(app, url):
    app.config["WEBHOOKS_ALLOW_LOCAL"] = False
    with pytest.raises(EndpointRefused):
        check_url(url)
    assert check_url("https://hooks.example.org:8443/leap?org=1") == "https://hooks.example.org:8443/leap?org=1"
    assert check_url("https://93.184.215.14/hook")


def test_the_endpoint_page_shows_each_deliverys_status(app, admin):
    endpoint, failed = endpoint_with_deliveries()
    html = client_as(app, admin).get(f"/staff/api/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "Delivered" in html and "HTTP 204" in html
    assert "Retrying" in html and "HTTP 500: upstream broke" in html and "2 attempts so far; next" in html
    assert "Failed" in html and "TimeoutError: timed out" in html and "Queued" in html
    assert f'action="/staff/api/webhooks/deliveries/{failed.id}/retry"' in html
    listing = client_as(app, admin).get("/staff/api/webhooks").get_data(as_text=True)
    assert "Mobilize" in listing and "2 waiting" in listing and "1 failed" in listing


def test_a_failed_delivery_can_be_sent_again(app, admin):
    endpoint, failed = endpoint_with_deliveries()
    response = client_as(app, admin).post(f"/staff/api/webhooks/deliveries/{failed.id}/retry")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/api/webhooks/{endpoint.id}")
    db.session.expire_all()
    assert failed.state == "queued" and failed.next_attempt_at <= utcnow()


def test_pausing_resuming_renewing_and_deleting(app, admin):
    endpoint, _ = endpoint_with_deliveries()
    client, old_secret = client_as(app, admin), endpoint.secret
    client.post(f"/staff/api/webhooks/{endpoint.id}/pause")
    db.session.expire_all()
    assert endpoint.is_paused and "Paused" in client.get(f"/staff/api/webhooks/{endpoint.id}").get_data(as_text=True)
    client.post(f"/staff/api/webhooks/{endpoint.id}/pause")
    db.session.expire_all()
    assert not endpoint.is_paused

    renewed = client.post(f"/staff/api/webhooks/{endpoint.id}/secret").get_data(as_text=True)
    db.session.expire_all()
    assert endpoint.secret != old_secret and endpoint.secret in renewed and old_secret not in renewed

    assert "Delete the webhook" in client.get(f"/staff/api/webhooks/{endpoint.id}/delete").get_data(as_text=True)
    assert client.post(f"/staff/api/webhooks/{endpoint.id}/delete").status_code == 302
    assert db.session.scalars(select(WebhookEndpoint)).all() == []
    assert db.session.scalars(select(WebhookDelivery)).all() == []
    summaries = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "webhook")
                                   .order_by(AuditEvent.id)).all()
    assert [s.split(" webhook")[0].split(" the secret")[0] for s in summaries] == [
        "Registered", "Paused", "Resumed", "Renewed", "Deleted"]


def test_staff_who_are_not_admins_get_403(app, staff):
    endpoint, failed = endpoint_with_deliveries()
    client = client_as(app, staff)
    for path in ("/staff/api/webhooks", "/staff/api/webhooks/new", f"/staff/api/webhooks/{endpoint.id}",
                 f"/staff/api/webhooks/{endpoint.id}/delete"):
        assert client.get(path).status_code == 403
        assert "/login" in app.test_client().get(path).headers["Location"]
    for path in (f"/staff/api/webhooks/{endpoint.id}/pause", f"/staff/api/webhooks/{endpoint.id}/secret",
                 f"/staff/api/webhooks/{endpoint.id}/delete", f"/staff/api/webhooks/deliveries/{failed.id}/retry"):
        assert client.post(path).status_code == 403
    db.session.expire_all()
    assert not endpoint.is_paused and failed.state == "failed"


def test_webhook_forms_without_a_csrf_token_are_refused(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = make_member(role="admin", email="csrf.admin@example.org")
        endpoint, failed = endpoint_with_deliveries()
        client = client_as(app, admin)
        assert 'name="csrf_token"' in client.get("/staff/api/webhooks/new").get_data(as_text=True)
        assert 'name="csrf_token"' in client.get(f"/staff/api/webhooks/{endpoint.id}").get_data(as_text=True)
        assert add(client).status_code == 400
        for action in ("pause", "secret", "delete"):
            assert client.post(f"/staff/api/webhooks/{endpoint.id}/{action}").status_code == 400
        assert client.post(f"/staff/api/webhooks/deliveries/{failed.id}/retry").status_code == 400
        db.session.expire_all()
        assert db.session.scalars(select(WebhookEndpoint)).one().paused_at is None and failed.state == "failed"
