"""Every route in the URL map, tried as a visitor, a member, staff and an admin.

Who may enter is read from the ``access`` mark the decorators in core/access.py put on each
view, so routes added by any feature later are covered without editing this file. URL
parameters get dummy values: the role check runs before any lookup, so a refusal proves the
check, and a 404 for someone allowed in proves they got past it.
"""
import re
import uuid

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter, UUIDConverter

from leap_members import create_app
from tests.conftest import build_config

ROLES = ("anonymous", "member", "staff", "admin")
ALLOWED = {
    None: set(ROLES),
    "login": {"member", "staff", "admin"},
    "member": {"member", "staff", "admin"},
    "staff": {"staff", "admin"},
    "admin": {"admin"},
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PARAM = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def _routes():
    app = create_app(build_config())
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        # A mark other than the four decorators' (e.g. a page with a public summary) counts as public.
        access = access if access in ALLOWED else None
        for method in METHODS:
            if method in rule.methods:
                found.append(pytest.param(rule.rule, rule.endpoint, method, access,
                                          id=f"{method} {rule.rule}"))
    return found


ROUTES = _routes()


def dummy_url(app, rule_text: str, endpoint: str, fill_int: int = 999_999) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text and r.endpoint == endpoint)

    def value(match):
        converter = rule._converters[match.group(1)]
        if isinstance(converter, IntegerConverter):
            return str(fill_int)
        if isinstance(converter, UUIDConverter):
            return str(uuid.UUID(int=1))
        if isinstance(converter, AnyConverter):
            return sorted(converter.items)[0]
        return "dummy"
    return _PARAM.sub(value, rule_text)


def denied(response, role: str) -> bool:
    if role == "anonymous":
        return response.status_code in (302, 303) and "/login" in response.headers.get("Location", "")
    return response.status_code == 403


def test_the_url_map_was_read():
    assert any(endpoint == "admin.dashboard" for _, endpoint, _, _ in (p.values for p in ROUTES))


@pytest.mark.parametrize("rule,endpoint,method,access", ROUTES)
def test_route_lets_in_exactly_the_roles_its_access_rule_names(app, as_role, rule, endpoint, method, access):
    url = dummy_url(app, rule, endpoint)
    for role in ROLES:
        client = as_role(role)
        response = client.open(url, method=method)
        response.get_data()  # run streamed bodies to the end, inside their request
        response.close()
        # 500 is a crash; a deliberate 503 ("payments not configured") is an answer.
        assert response.status_code != 500, f"{role} {method} {url} -> 500"
        if role in ALLOWED[access]:
            assert not denied(response, role) and response.status_code not in (401, 403), \
                f"{role} should get into {method} {url} ({access or 'public'}), got {response.status_code}"
        else:
            assert denied(response, role), \
                f"{role} must be refused at {method} {url} ({access}), got {response.status_code}"


def test_every_staff_url_requires_the_staff_or_admin_role():
    unguarded = [p.values[:3] for p in ROUTES
                 if p.values[0].startswith("/staff") and p.values[3] not in ("staff", "admin")]
    assert not unguarded, f"staff URLs without staff_required/admin_required: {unguarded}"


def test_managing_roles_merging_and_importing_are_for_admins_only():
    admin_only = {endpoint for _, endpoint, _, access in (p.values for p in ROUTES) if access == "admin"}
    for endpoint in ("admin.team", "admin.change_member_role", "admin.change_member_status",
                     "admin.merge_member", "admin.import_upload", "admin.import_apply"):
        assert endpoint in admin_only


def test_a_suspended_staff_member_is_turned_away(app, as_role, db):
    client = as_role("staff")
    client.member.status = "suspended"
    db.session.commit()
    response = client.get("/staff/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_real_login_as_staff_reaches_the_dashboard_and_a_member_does_not(client, auth, staff, member):
    auth.login(staff.email)
    assert client.get("/staff/").status_code == 200
    auth.logout()
    auth.login(member.email)
    assert client.get("/staff/").status_code == 403
    assert client.get("/staff/members").status_code == 403
