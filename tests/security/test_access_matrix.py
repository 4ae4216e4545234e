"""Every route in the URL map, tried by every kind of person, on real records.

Who may enter is read from the ``access`` mark the decorators in core/access.py put on each
view, so routes added by any feature later are covered without editing this file. URL
arguments are filled with the ids and tokens of a seeded world (tests/support/world.py) whose
records all belong to one member, ``member``; ``other_member`` is a second member, used to show
that nobody reaches someone else's gifts, receipts or sign-ups (IDOR).
"""
import pytest
from sqlalchemy import inspect, select

from leap_members.advocacy.models import ActionSignup
from leap_members.donations.models import Donation, RecurringGift, StripeCustomer
from leap_members.extensions import db
from leap_members.members.models import Member
from tests.security.routes import ALLOWED, ROLES, ROUTES, RULES
from tests.support.clients import client_as, log_in
from tests.support.world import build_world

# Pages that exist only in development: in every other configuration they are not found.
DEVELOPMENT_ONLY = {"mail.inbox", "mail.message"}
# Links whose token is the whole authorisation: whoever holds the link sees the gift (donors
# without accounts use them). The tests below check the tokens cannot be guessed or forged.
CAPABILITY_LINKS = {"donations.thanks", "donations.cancelled", "donations.receipt", "donations.fix_card",
                    "members.confirm_email", "members.reset_password", "outreach.unsubscribe",
                    "outreach.one_click_unsubscribe", "outreach.opened", "outreach.click", "public.privacy"}


@pytest.fixture
def world(app):
    return build_world()


def url_for_rule(app, world, endpoint: str, rule_text: str, values: dict | None = None) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text and r.endpoint == endpoint)
    return rule.build(values or world.url_values(rule), append_unknown=False)[1]


def clients_by_role(app, world) -> dict:
    return {role: client_as(app, None if role == "anonymous" else world.person(role)) for role in ROLES}


def to_login(response) -> bool:
    return response.status_code in (302, 303) and "/login" in response.headers.get("Location", "")


def turned_away(response, role: str, access: str | None) -> bool:
    """The refusal each kind of person gets: log in, confirm your address first, or 403; 401 from the API."""
    if access == "api key":
        return response.status_code == 401
    if role == "anonymous":
        return to_login(response)
    if role == "unconfirmed" and access in ("member", "host"):
        return response.status_code in (302, 303) and response.headers["Location"].endswith("/account")
    return response.status_code == 403


def test_the_url_map_was_read():
    endpoints = {endpoint for _, endpoint, _, _ in RULES}
    assert {"admin.dashboard", "donations.manage_monthly", "advocacy.sign_up_post"} <= endpoints


@pytest.mark.parametrize("rule,endpoint,method,access", ROUTES)
def test_route_lets_in_exactly_the_roles_its_access_rule_names(app, world, rule, endpoint, method, access):
    url = url_for_rule(app, world, endpoint, rule)
    for role, client in clients_by_role(app, world).items():
        response = client.open(url, method=method)
        response.get_data()  # run streamed bodies to the end, inside their request
        response.close()
        # 500 is a crash; a deliberate 503 ("payments not configured") is an answer.
        assert response.status_code != 500, f"{role} {method} {url} -> 500"
        if role in ALLOWED[access]:
            # A public page may send someone to log in (e.g. after confirming an address); others may not.
            assert not (access and to_login(response)) and response.status_code not in (401, 403), \
                f"{role} should get into {method} {url} ({access or 'public'}), got {response.status_code}"
            if method == "GET" and endpoint not in DEVELOPMENT_ONLY:
                # Real ids: the page must actually be there, not only "not refused".
                assert response.status_code in (200, 302, 303), f"{role} GET {url} -> {response.status_code}"
        else:
            assert turned_away(response, role, access), \
                f"{role} must be refused at {method} {url} ({access}), got {response.status_code}"


# Everything a visitor may open. A route that loses its access decorator shows up here and fails.
PUBLIC = {"public.home", "public.about", "public.impact", "members.join", "members.joined", "members.login",
          "members.reset_request", "members.reset_password", "health.healthz", "health.readyz", "members.confirm_email", "donations.donate", "donations.thanks",
          "donations.cancelled", "donations.receipt", "donations.fix_card", "donations.stripe_webhook",
          "advocacy.action", "advocacy.action_by_id", "mail.inbox", "mail.message", "outreach.unsubscribe",
          "outreach.one_click_unsubscribe", "outreach.opened", "outreach.click", "public.privacy",
          "outreach.email_webhook", "api.openapi"}


def test_only_the_known_public_routes_are_open_to_visitors():
    assert {endpoint for _, endpoint, _, access in RULES if access is None} == PUBLIC


def test_every_staff_url_requires_the_staff_or_admin_role():
    unguarded = [(rule, endpoint) for rule, endpoint, _, access in RULES
                 if rule.startswith("/staff") and access not in ("staff", "admin")]
    assert not unguarded, f"staff URLs without staff_required/admin_required: {unguarded}"


def test_managing_roles_merging_and_importing_are_for_admins_only():
    admin_only = {endpoint for _, endpoint, _, access in RULES if access == "admin"}
    for endpoint in ("admin.team", "admin.change_member_role", "admin.change_member_status",
                     "admin.merge_member", "admin.import_upload", "admin.import_apply"):
        assert endpoint in admin_only


def test_a_suspended_staff_member_is_turned_away(app, world):
    client = client_as(app, world.staff)
    world.staff.status = "suspended"
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


# --- Someone else's records (IDOR) -----------------------------------------------------------

def owner_rows(world) -> dict:
    """Every column of every row that belongs to the owner."""
    db.session.expire_all()
    owner_id = world.owner.id
    queries = {
        "member": select(Member).where(Member.id == owner_id),
        "donations": select(Donation).where(Donation.member_id == owner_id),
        "monthly": select(RecurringGift).where(RecurringGift.member_id == owner_id),
        "signups": select(ActionSignup).where(ActionSignup.member_id == owner_id),
        "customer": select(StripeCustomer).where(StripeCustomer.member_id == owner_id),
    }
    snapshot = {}
    for name, query in queries.items():
        rows = db.session.scalars(query.order_by("id")).all()
        snapshot[name] = [{c.key: getattr(row, c.key) for c in inspect(row).mapper.column_attrs} for row in rows]
    return snapshot


def forged_form(world) -> dict:
    """A form that names the owner's records in every way a handler might read them."""
    records = world.records
    return {"id": world.owner.id, "member_id": world.owner.id, "gift_id": records["monthly"].id,
            "donation_id": records["paid_gift"].id, "signup_id": records["event_signup"].id,
            "customer": "cus_world_owner", "stripe_customer_id": "cus_world_owner",
            "comment": "B was here", "availability": "B", "topics": "B", "letter_subject": "B's letter",
            "letter_body": "B writes a letter long enough to be sent to the officials.", "year": "2024"}


def test_another_member_sees_and_changes_none_of_the_owners_records(app, world):
    before = owner_rows(world)
    secrets = [value for value in world.secrets.values() if value]
    client = client_as(app, world.other)
    leaks, crashes = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in CAPABILITY_LINKS | {"static", "members.logout"}:
            continue
        for values in world.all_url_values(rule):
            url = rule.build(values, append_unknown=False)[1]
            for method in sorted(rule.methods & {"GET", "POST"}):
                log_in(client, world.other)  # as the other member every time, whatever the last request did
                response = client.open(url, method=method, data=forged_form(world) if method == "POST" else None)
                body = response.get_data(as_text=True)
                if response.status_code >= 500 and response.status_code != 503:
                    crashes.append(f"{method} {url}: {response.status_code}")
                leaks += [f"{method} {url} shows {secret!r}" for secret in secrets if secret in body]
    assert not crashes
    assert not leaks, "another member saw the owner's private records:\n" + "\n".join(leaks)
    assert owner_rows(world) == before, "another member's requests changed the owner's records"


def test_another_members_monthly_gift_cannot_be_managed(app, world, fake_stripe):
    fake = fake_stripe
    gift_id = world.records["monthly"].id
    response = client_as(app, world.other).post(f"/account/giving/monthly/{gift_id}/manage", data={})
    assert response.status_code == 404
    assert fake.calls("/v1/billing_portal/sessions") == []
    response = client_as(app, world.owner).post(f"/account/giving/monthly/{gift_id}/manage", data={})
    assert response.status_code == 303 and len(fake.calls("/v1/billing_portal/sessions")) == 1


def test_another_member_cannot_withdraw_the_owner_from_an_event(app, world):
    client = client_as(app, world.other)
    response = client.post("/actions/world-event/withdraw", data=forged_form(world))
    assert response.status_code == 400 and "not on the list" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ActionSignup, world.records["event_signup"].id).status == "registered"


def test_the_event_details_and_calendar_details_are_only_for_those_registered(app, world):
    details = "https://meet.example.org/secret-room"
    owner, other = client_as(app, world.owner), client_as(app, world.other)
    assert details in owner.get("/actions/world-event").get_data(as_text=True)
    assert details in unfolded(owner.get("/actions/world-event/calendar.ics").get_data(as_text=True))
    assert details not in other.get("/actions/world-event").get_data(as_text=True)
    assert details not in unfolded(other.get("/actions/world-event/calendar.ics").get_data(as_text=True))


def unfolded(ics: str) -> str:
    """An iCalendar file with its long lines joined again (RFC 5545 folds them at 75 octets)."""
    return ics.replace("\r\n ", "")


@pytest.mark.parametrize("endpoint, path", [
    ("donations.receipt", "/donate/receipt/{}"), ("donations.thanks", "/donate/thank-you/{}"),
    ("donations.cancelled", "/donate/cancelled/{}"), ("donations.fix_card", "/donate/fix-card/{}"),
    ("members.confirm_email", "/confirm/{}"), ("members.reset_password", "/reset/{}"),
])
def test_links_that_carry_a_token_cannot_be_guessed_or_forged(app, world, endpoint, path):
    token = world.tokens[endpoint]
    gift = world.records["paid_gift"]
    assert len(token) >= 32  # 192 bits or a signature: not enumerable
    middle = len(token) // 2  # not the last character: its low bits are padding, ignored when decoding
    altered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    guesses = [str(gift.id), gift.receipt_number, altered,
               world.tokens["members.confirm_email" if endpoint != "members.confirm_email" else "donations.fix_card"]]
    client = client_as(app, world.other)
    for guess in guesses:
        response = client.get(path.format(guess))
        body = response.get_data(as_text=True)
        assert response.status_code in (400, 404), f"{path.format(guess)} -> {response.status_code}"
        assert world.owner.email not in body and gift.receipt_number not in body
