"""The public site: pages, navigation, no third-party resources."""
import re

import pytest

PUBLIC_PAGES = ["/", "/about", "/impact", "/join", "/login", "/reset"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_offers_join_and_login(client, path):
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/join"' in html and 'href="/login"' in html
    assert '<meta name="viewport"' in html


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_resource_is_loaded_from_another_site(client, path):
    html = client.get(path).get_data(as_text=True)
    sources = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources, "expected the page's own stylesheet and script"
    assert all(src.startswith("/") for src in sources), sources


@pytest.mark.parametrize("path", ["/join", "/login", "/reset"])
def test_every_input_has_a_label(client, path):
    html = client.get(path).get_data(as_text=True)
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', html)
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in html, f"no label for {field_id} on {path}"


def test_impact_page_shows_the_timeline_from_the_database(client, db):
    from leap_members.public.models import TimelineEntry

    html = client.get("/impact").get_data(as_text=True)
    for year in ("2012", "2016", "2020"):
        assert year in html
    entry = db.session.query(TimelineEntry).filter_by(year=2016).one()
    entry.title = "Harm reduction saves lives"
    db.session.commit()
    assert "Harm reduction saves lives" in client.get("/impact").get_data(as_text=True)


def test_about_page_answers_who_can_join(client):
    html = client.get("/about").get_data(as_text=True)
    assert "Who can join?" in html
    assert "harm reduction" in html


def test_unknown_page_is_a_friendly_404(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Not Found" in page.get_data(as_text=True)


def test_home_page_is_the_same_for_every_visitor_and_personal_once_logged_in(client, auth, member):
    first = client.get("/").get_data(as_text=True)
    assert client.get("/").get_data(as_text=True) == first
    assert "Join LEAP" in first and "Go to my account" not in first
    auth.login(member.email)
    mine = client.get("/").get_data(as_text=True)
    assert "Go to my account" in mine and "Join LEAP" not in mine
    auth.logout()
    assert "You are logged out." in client.get("/").get_data(as_text=True)
    assert client.get("/").get_data(as_text=True) == first


def test_a_visitor_with_a_message_waiting_sees_it_on_the_home_page(app, client):
    client.get("/")   # the page every visitor gets is now in memory
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "You are logged out.")]
    assert "You are logged out." in client.get("/").get_data(as_text=True)
    assert "You are logged out." not in client.get("/").get_data(as_text=True)
