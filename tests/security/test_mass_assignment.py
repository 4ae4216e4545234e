"""Privileged fields slipped into a member-facing form or JSON body change nothing.

Each case sends a form that would succeed on its own, plus every privileged field a model has
(role, status, verification, amounts, ids, tokens, confirmation times...). The whole database
is compared before and after: only what the form is for may change, and no forged value may
be stored anywhere. Flask-WTF would read a JSON body as form data, so every case is also sent as
JSON: the app refuses JSON on every form (415) and nothing changes.
"""
from datetime import datetime

import pytest

from leap_members import create_app
from leap_members.advocacy.models import ActionSignup
from leap_members.core.tokens import make_token
from leap_members.extensions import db
from leap_members.members.services import CONFIRM_PURPOSE
from tests.conftest import build_config
from tests.support.clients import client_as
from tests.support.factories import PASSWORD
from tests.support.snapshots import diff, snapshot
from tests.support.world import build_world

NEW_PASSWORD = "a brand new passphrase 77"
FORGED_AT = "2001-02-03 04:05:06"


def privileged_fields(world) -> dict:
    """What an attacker adds to the form, pointing at someone else wherever a field is an id."""
    return {
        "role": "admin", "is_admin": "y", "is_staff": "y", "admin": "y", "status": "accepted",
        "verification": "verified", "verified": "y", "verified_at": FORGED_AT, "email_confirmed_at": FORGED_AT,
        "confirmed": "y", "id": "4242", "member_id": str(world.admin.id), "created_by_id": str(world.admin.id),
        "author_id": str(world.admin.id), "recurring_gift_id": str(world.records["monthly"].id),
        "amount": "1", "amount_cents": "100", "total_cents": "100", "fee_cents": "0", "refunded_cents": "0",
        "paid_at": FORGED_AT, "receipt_number": "FORGED-RECEIPT", "public_token": "forged-token",
        "stripe_customer_id": "cus_forged", "customer": "cus_forged", "currency": "eur",
        "session_token": "forged-session", "password_hash": "forged-hash", "pending_email": "attacker@evil.example",
        "staff_note": "FORGED NOTE", "decided_at": FORGED_AT, "letters_emailed": "99",
        "signature": "FORGED SIGNATURE", "queued_at": FORGED_AT, "last_login_at": FORGED_AT,
        "action_id": str(world.records["speaking"].id), "fund_id": "4242",
    }


def looks_forged(value) -> bool:
    if isinstance(value, str):
        return "forged" in value.lower() or "attacker@evil.example" in value
    if isinstance(value, datetime):
        return value.year == 2001
    return value == 4242


def signup_form(email: str) -> dict:
    return {"category": "le_current", "first_name": "Nia", "last_name": "Newcomer", "email": email,
            "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "city": "Dayton", "state": "OH",
            "zip_code": "45402", "organisation": "Dayton Police Department", "role_title": "Sergeant",
            "years_of_service": "12", "email_updates": "y"}


def profile_form(member, **changes) -> dict:
    form = {"category": member.category, "first_name": member.first_name, "last_name": member.last_name,
            "city": member.city, "state": member.state, "zip_code": member.zip_code}
    form.update(changes)
    return form


def donate_form(email: str) -> dict:
    return {"amount_choice": "5000", "custom_amount": "", "frequency": "one_time", "fund": "", "first_name": "Dana",
            "last_name": "Donor", "email": email, "tribute_type": "", "tribute_name": "", "nonce": "n-1"}


LETTER = "Dear legislator, please fund crisis response teams in every county this year."


# Each case: (who sends it, URL, the legitimate form) from the world; then what may change.
def cases(world) -> dict:
    records, tokens = world.records, world.tokens
    return {
        "members.join": (None, "/join", signup_form("nia.newcomer@example.org")),
        "members.login": (world.other, "/login", {"email": world.other.email, "password": PASSWORD}),
        "members.logout": (world.other, "/logout", {}),
        "members.reset_request": (None, "/reset", {"email": world.other.email}),
        "members.reset_password": (None, f"/reset/{tokens['members.reset_password']}",
                                   {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}),
        "members.confirm_email": (None, "/confirm/{unconfirmed_token}", {}),
        "members.resend_confirmation": (world.unconfirmed, "/account/resend-confirmation", {}),
        "members.edit_profile": (world.other, "/account/profile", profile_form(world.other, city="Dayton")),
        "members.change_password": (world.other, "/account/password",
                                    {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                     "confirm_password": NEW_PASSWORD}),
        "members.change_email": (world.other, "/account/email",
                                 {"new_email": "bea.new@example.org", "current_password": PASSWORD}),
        "donations.donate": (world.owner, "/donate", donate_form(world.owner.email)),
        "donations.manage_monthly": (world.owner, f"/account/giving/monthly/{records['monthly'].id}/manage", {}),
        "donations.fix_card": (None, f"/donate/fix-card/{tokens['donations.fix_card']}", {}),
        "advocacy.sign_up_post": (world.other, "/actions/world-event/sign-up", {"comment": "See you there."}),
        "advocacy.withdraw_post": (world.owner, "/actions/world-event/withdraw", {}),
        "outreach.preferences": (world.other, "/account/email-choices",
                                 {"email_updates": "y", "topics": str(records["topic"].id)}),
    }


# What each case does: its status, {table: columns changed on existing rows}, {table: rows added}.
EXPECTED = {
    # The world's webhook endpoint wants new people: a join queues its delivery (api/webhooks_outbox.py).
    "members.join": (302, {}, {"members": 1, "consents": 1, "outbox_messages": 1, "webhook_deliveries": 1}),
    "members.login": (302, {"members": {"last_login_at"}}, {}),
    "members.logout": (302, {"members": {"session_token"}}, {}),
    "members.reset_request": (200, {}, {"outbox_messages": 1}),
    "members.reset_password": (302, {"members": {"password_hash", "session_token"}}, {}),
    "members.confirm_email": (302, {"members": {"email_confirmed_at"}}, {}),
    "members.resend_confirmation": (302, {}, {"outbox_messages": 1}),
    "members.edit_profile": (302, {"members": {"city"}}, {}),
    "members.change_password": (302, {"members": {"password_hash", "session_token"}}, {}),
    "members.change_email": (302, {"members": {"pending_email"}}, {"outbox_messages": 2}),
    "donations.donate": (303, {}, {"donations": 1}),
    "donations.manage_monthly": (303, {}, {}),
    "donations.fix_card": (303, {}, {}),
    "advocacy.sign_up_post": (303, {"actions": {"taking_part"}}, {"action_signups": 1, "outbox_messages": 1}),
    "advocacy.withdraw_post": (303, {"action_signups": {"status", "withdrawn_at"}, "actions": {"taking_part"}}, {}),
    "outreach.preferences": (302, {"members": {"email_updates"}}, {"consents": 1}),
}
MEMBER_FACING = ({None, "login", "member"}, {"donations.stripe_webhook"})


def member_facing_post_endpoints() -> set[str]:
    app = create_app(build_config())
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and getattr(app.view_functions[rule.endpoint], "access", None) in MEMBER_FACING[0]
            and rule.endpoint not in MEMBER_FACING[1]}


def test_every_member_facing_form_has_a_case():
    assert member_facing_post_endpoints() == set(EXPECTED)


@pytest.fixture
def world(app):
    return build_world()


@pytest.mark.parametrize("encoding", ["form", "json"])
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_privileged_fields_change_nothing(app, world, fake_stripe, endpoint, encoding):
    person, url, form = cases(world)[endpoint]
    url = url.format(unconfirmed_token=make_token(CONFIRM_PURPOSE, {"id": world.unconfirmed.id,
                                                                    "email": world.unconfirmed.email}))
    body = {**privileged_fields(world), **form}
    client = client_as(app, person)
    before = snapshot()
    response = client.post(url, **({"data": body} if encoding == "form" else {"json": body}))
    changes = diff(before, snapshot())

    if encoding == "json":
        # Forms are refused as JSON (core/requests.py): nothing at all may change.
        assert response.status_code == 415, f"{endpoint}: {response.status_code}"
        assert not (changes.added or changes.changed or changes.removed), changes.describe()
        return
    status, changed, added = EXPECTED[endpoint]
    assert response.status_code == status, f"{endpoint}: {response.status_code}"
    assert {table: changes.changed_columns(table) for table in changes.changed} == changed, changes.describe()
    assert {table: len(rows) for table, rows in changes.added.items()} == added, changes.describe()
    assert not changes.removed, changes.describe()
    forged = [value for value in changes.values() if looks_forged(value)]
    assert not forged, f"{endpoint} stored forged values {forged}:\n{changes.describe()}"
    check_added_rows(endpoint, world, changes, fake_stripe)


def check_added_rows(endpoint, world, changes, fake_stripe) -> None:
    """The facts a privileged field would have changed are what the app itself decides."""
    if endpoint == "members.join":
        (member,) = changes.added["members"]
        assert (member["role"], member["status"], member["verification"]) == ("member", "active", "pending")
        assert member["email_confirmed_at"] is None and member["verified_at"] is None
    elif endpoint == "donations.donate":
        (gift,) = changes.added["donations"]
        assert (gift["amount_cents"], gift["total_cents"], gift["status"]) == (5000, 5000, "pending")
        assert gift["member_id"] == world.owner.id and gift["receipt_number"] is None and gift["currency"] == "usd"
        (checkout,) = fake_stripe.calls("/v1/checkout/sessions")
        assert checkout.form["line_items[0][price_data][unit_amount]"] == "5000"
        assert checkout.form["customer"] == "cus_world_owner"
    elif endpoint in ("donations.manage_monthly", "donations.fix_card"):
        (portal,) = fake_stripe.calls("/v1/billing_portal/sessions")
        assert portal.form["customer"] == "cus_world_owner"
    elif endpoint == "advocacy.sign_up_post":
        (signup,) = changes.added["action_signups"]
        assert signup["member_id"] == world.other.id and signup["action_id"] == world.records["event"].id
        assert signup["status"] == "registered" and signup["staff_note"] is None and signup["decided_at"] is None


def test_a_forged_status_does_not_take_a_seat_at_a_full_event(app, world):
    event = world.records["event"]
    event.capacity = 1  # the owner holds the only seat
    db.session.commit()
    response = client_as(app, world.other).post("/actions/world-event/sign-up",
                                                data={**privileged_fields(world), "status": "registered"})
    assert response.status_code == 303
    db.session.expire_all()
    statuses = sorted((s.member_id, s.status) for s in event_signups(event.id))
    assert statuses == [(world.owner.id, "registered"), (world.other.id, "waitlisted")]


@pytest.mark.parametrize("slug, expected", [("world-speaking", "offered"), ("world-letter", "sent")])
def test_forged_fields_on_offers_and_letters_are_ignored(app, world, slug, expected):
    form = {**privileged_fields(world), "availability": "Weekends", "topics": "Crisis response",
            "letter_subject": "Fund crisis teams", "letter_body": LETTER}
    assert client_as(app, world.other).post(f"/actions/{slug}/sign-up", data=form).status_code == 303
    db.session.expire_all()
    action = world.records[slug.removeprefix("world-")]
    (signup,) = [s for s in event_signups(action.id) if s.member_id == world.other.id]
    assert signup.status == expected and signup.staff_note is None and signup.decided_at is None
    if slug == "world-letter":
        assert signup.signature == "Bea Other\nSpringfield, IL" and signup.letters_emailed == 2


def event_signups(action_id: int) -> list[ActionSignup]:
    return db.session.query(ActionSignup).filter_by(action_id=action_id).all()


PRIVILEGED_COLUMNS = {"members": {"role", "status", "verification", "verified_at", "email_confirmed_at", "email",
                                  "session_token", "password_hash"},
                      "donations": {"amount_cents", "total_cents", "member_id", "status", "receipt_number", "paid_at"},
                      "recurring_gifts": {"amount_cents", "total_cents", "member_id", "status"},
                      "action_signups": {"member_id", "action_id"}}


def test_privileged_fields_sent_to_every_staff_form_by_staff_change_no_one_s_role_or_money(app, world):
    """Staff may publish, remove and refund through the forms' own fields; never promote or re-price."""
    client = client_as(app, world.staff)
    before = snapshot()
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.rule.startswith("/staff"):
            url = rule.build(world.url_values(rule), append_unknown=False)[1]
            assert client.post(url, data=privileged_fields(world)).status_code < 500, url
    changes = diff(before, snapshot())
    touched = {table: columns for table, columns in PRIVILEGED_COLUMNS.items()
               if changes.changed_columns(table) & columns}
    assert not touched, changes.describe()
    assert not [value for value in changes.values() if looks_forged(value)], changes.describe()
