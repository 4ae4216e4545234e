"""E-mailed links carry the configured public address, whatever the request's Host or SCRIPT_NAME say."""
import pytest
from sqlalchemy import select

from leap_members.mail.models import OutboxMessage
from tests.members.test_signup import signup_data


def queued(db) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage)).all()


@pytest.mark.parametrize("path, form", [
    ("/reset", {"email": "member@example.org"}),
    ("/join", signup_data()),
])
def test_a_request_for_another_host_gets_400_and_sends_nothing(client, db, member, path, form):
    response = client.post(path, data=form, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert queued(db) == []


def test_a_forwarded_host_is_ignored_without_trusted_proxies(client, db, member):
    client.post("/reset", data={"email": member.email}, headers={"X-Forwarded-Host": "evil.example"})
    [message] = queued(db)
    assert "http://localhost/reset/" in message.body_text and "evil.example" not in message.body_text


@pytest.mark.parametrize("path, form, kind", [
    ("/reset", {"email": "member@example.org"}, "reset-password"),
    ("/join", signup_data(), "confirm-email"),
])
def test_links_are_built_on_the_public_url_not_on_the_request(app_factory, member_factory, path, form, kind):
    # A trusted host other than the public one (here 127.0.0.1), and a site root from the client.
    application = app_factory(PUBLIC_URL="https://members.leap.example/join-us")
    with application.app_context():
        from leap_members.extensions import db
        member_factory(email="member@example.org")
        client = application.test_client()
        response = client.post(path, data=form, base_url="http://127.0.0.1:8000",
                               environ_overrides={"SCRIPT_NAME": "/evil"})
        assert response.status_code in (200, 302)
        [message] = [m for m in queued(db) if m.kind == kind]
        assert "https://members.leap.example/join-us/" in message.body_text
        assert "127.0.0.1" not in message.body_text and "/evil" not in message.body_text


def test_a_site_root_sent_by_the_client_never_changes_the_page_links(client):
    page = client.get("/", environ_overrides={"SCRIPT_NAME": "/evil"}).get_data(as_text=True)
    assert 'href="/evil' not in page and 'href="/join"' in page
    assert 'href="/evil' not in client.get("/").get_data(as_text=True)


def test_the_configured_site_root_prefixes_every_page_link(app_factory):
    client = app_factory(PUBLIC_URL="http://localhost/members").test_client()
    page = client.get("/members/").get_data(as_text=True)
    assert 'href="/members/join"' in page
    assert client.get("/members/about").status_code == 200
