"""Only staff reach the partnerships area: every route, as a visitor, a member, staff and an admin."""
import pytest
from sqlalchemy import func, select

from leap_members.partnerships.models import Agreement, Partner
from leap_members.partnerships.services import add_contact


def partnership_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) for every route of the blueprint, ids filled with real records."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("partnerships."):
            continue
        path = (rule.rule.replace("<int:agreement_id>", "1").replace("<int:partner_id>", "1")
                .replace("<int:contact_id>", "1"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, path))
    return routes


@pytest.fixture
def records(make_partner, make_agreement, today, db):
    partner = make_partner()
    add_contact(partner, {"name": "Someone"}, None)
    db.session.commit()
    make_agreement(partner=partner, signed_on=today)
    return partner


def test_every_partnerships_view_is_marked_staff_only(app):
    endpoints = {endpoint for endpoint, _, _ in partnership_routes(app)}
    assert len(endpoints) >= 16
    for endpoint in endpoints:
        assert getattr(app.view_functions[endpoint], "access", None) == "staff", endpoint


def test_visitors_are_sent_to_log_in_and_nothing_changes(app, client, db, records):
    for endpoint, method, path in partnership_routes(app):
        response = client.open(path, method=method)
        assert response.status_code == 302, (endpoint, method)
        assert "/login" in response.headers["Location"], (endpoint, method)
    assert db.session.scalar(select(func.count(Agreement.id))) == 1
    assert len(db.session.get(Partner, records.id).contacts) == 1


@pytest.mark.parametrize("category", ["citizen", "le_current"])
def test_members_are_refused_on_every_route(app, client, auth, db, member_factory, records, category):
    member = member_factory(category=category)
    auth.login(member.email)
    for endpoint, method, path in partnership_routes(app):
        response = client.open(path, method=method)
        assert response.status_code == 403, (endpoint, method)
        assert "This page is for LEAP staff only." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Agreement.id))) == 1
    assert len(db.session.get(Partner, records.id).contacts) == 1


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_open_every_page(app, client, auth, member_factory, records, role):
    person = member_factory(role=role)
    auth.login(person.email)
    for endpoint, method, path in partnership_routes(app):
        if method != "GET":
            continue
        response = client.get(path)
        assert response.status_code == 200, (endpoint, response.status_code)


def test_the_nav_and_pages_never_show_partnerships_to_members(client, auth, member, records):
    auth.login(member.email)
    assert "/staff/partnerships" not in client.get("/account").get_data(as_text=True)
