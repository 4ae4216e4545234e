"""Staff pages: only staff get in; filters, totals, CSV, funds and refund checks."""
import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select

from leap_members.donations.models import Donation, Fund
from leap_members.extensions import db

from .events import checkout_session, event, signed_post

STAFF_PAGES = ["/staff/donations", "/staff/donations/export.csv", "/staff/donations/monthly-problems",
               "/staff/donations/funds"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_send_visitors_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_are_forbidden_to_members(client, auth, member, path):
    auth.login(member.email)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_open_for_staff(client, auth, staff, path):
    auth.login(staff.email)
    assert client.get(path).status_code == 200


def test_every_staff_route_of_the_feature_is_guarded(app):
    staff_views = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff/donations")]
    assert staff_views
    for rule in staff_views:
        assert getattr(app.view_functions[rule.endpoint], "access", None) in ("staff", "admin"), rule.rule


def paid(make_gift, client, paid_on: datetime | None = None, refunded: int = 0, **gift_fields):
    gift = make_gift(**gift_fields)
    signed_post(client, event("checkout.session.completed", checkout_session(gift, payment_intent=f"pi_{gift.id}")))
    db.session.refresh(gift)
    if paid_on:
        gift.paid_at = paid_on
    if refunded:
        gift.refunded_cents = refunded
        gift.refresh_status()
    db.session.commit()
    return gift


@pytest.fixture
def ledger(client, make_gift, fund):
    """Five gifts: two paid in March (one refunded in part, one to a fund), one monthly, one pending."""
    return {
        "march": paid(make_gift, client, datetime(2025, 3, 3, 12), amount_cents=5000, email="a@example.net"),
        "march_fund": paid(make_gift, client, datetime(2025, 3, 20, 9), amount_cents=10000, fund_id=fund.id,
                           refunded=2500, email="b@example.net"),
        "april_monthly": paid(make_gift, client, datetime(2025, 4, 2, 8), kind="monthly", amount_cents=2500,
                              email="c@example.net"),
        "pending": make_gift(amount_cents=7700, email="d@example.net"),
    }


def test_the_list_filters_by_date_kind_status_and_fund_and_totals_what_it_lists(client, auth, staff, ledger, fund):
    auth.login(staff.email)

    def listing(**query):
        page = client.get("/staff/donations", query_string=query).get_data(as_text=True)
        return page

    march = listing(date_from="2025-03-01", date_to="2025-03-31")
    assert "a@example.net" in march and "b@example.net" in march and "c@example.net" not in march
    assert 'data-total="count">2<' in march and 'data-total="received">$150.00<' in march
    assert 'data-total="refunded">$25.00<' in march and 'data-total="net">$125.00<' in march

    monthly = listing(kind="monthly")
    assert "c@example.net" in monthly and "a@example.net" not in monthly
    assert "d@example.net" in listing(status="pending") and "a@example.net" not in listing(status="pending")
    by_fund = listing(fund=str(fund.id))
    assert "b@example.net" in by_fund and "a@example.net" not in by_fund
    general = listing(fund="general")
    assert "a@example.net" in general and "b@example.net" not in general
    everything = listing()
    assert 'data-total="count">4<' in everything and 'data-total="received">$175.00<' in everything


def test_bad_filters_are_explained_not_crashed_on(client, auth, staff):
    auth.login(staff.email)
    response = client.get("/staff/donations", query_string={"date_from": "2025-04-01", "date_to": "2025-03-01"})
    assert response.status_code == 400 and b"The end date is before the start date." in response.data
    assert client.get("/staff/donations", query_string={"date_from": "yesterday"}).status_code == 400
    assert client.get("/staff/donations", query_string={"status": "stolen"}).status_code == 400


def test_the_csv_export_has_every_matching_gift_with_formulas_neutralised(client, auth, staff, make_gift):
    auth.login(staff.email)
    sneaky = make_gift(email="evil@example.net")
    sneaky.donor_first_name = '=HYPERLINK("http://evil.example","click")'
    db.session.commit()
    for n in range(3):
        make_gift(amount_cents=1000 + n, email=f"n{n}@example.net")
    response = client.get("/staff/donations/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Gift id", "Receipt number", "Paid at (UTC)"]
    assert len(rows) == 5
    names = [row[12] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in names
    filtered = client.get("/staff/donations/export.csv", query_string={"status": "paid"}).get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(filtered.lstrip("\ufeff"))))) == 1


def test_staff_add_and_rename_funds_and_a_duplicate_name_is_refused(client, auth, staff):
    auth.login(staff.email)
    response = client.post("/staff/donations/funds", data={"name": "Legal education", "position": "2", "active": "y"})
    assert response.status_code == 302
    fund = db.session.scalar(select(Fund))
    assert fund.name == "Legal education" and fund.active
    assert b"Legal education" in client.get("/donate").data
    duplicate = client.post("/staff/donations/funds", data={"name": "legal EDUCATION", "position": "1"})
    assert duplicate.status_code == 400 and b"Another fund already has this name." in duplicate.data
    client.post(f"/staff/donations/funds/{fund.id}", data={"name": "Legal education fund", "position": "2"})
    db.session.refresh(fund)
    assert fund.name == "Legal education fund" and not fund.active
    assert b"Legal education fund" not in client.get("/donate").data


def test_a_refund_larger_than_what_is_left_is_refused_beside_the_field(client, auth, staff, make_gift, fake_stripe):
    gift = paid(make_gift, client, amount_cents=5000)
    auth.login(staff.email)
    response = client.post(f"/staff/donations/{gift.id}/refund", data={"amount": "60"})
    assert response.status_code == 400 and b"Enter an amount between $0.01 and $50.00." in response.data
    assert fake_stripe.calls("/v1/refunds") == []


def test_an_unpaid_gift_offers_no_refund_and_refuses_one(client, auth, staff, make_gift, fake_stripe):
    gift = make_gift()
    auth.login(staff.email)
    assert b"Refund through Stripe" not in client.get(f"/staff/donations/{gift.id}").data
    response = client.post(f"/staff/donations/{gift.id}/refund", data={"amount": ""}, follow_redirects=True)
    assert b"Nothing is left to refund on this gift." in response.data
    assert fake_stripe.calls("/v1/refunds") == []


def test_a_refund_stripe_refuses_is_reported_to_staff(client, auth, staff, make_gift, fake_stripe):
    gift = paid(make_gift, client, amount_cents=5000)
    auth.login(staff.email)
    fake_stripe.failure = (400, {"error": {"type": "invalid_request_error", "message": "Charge already refunded"}})
    response = client.post(f"/staff/donations/{gift.id}/refund", data={"amount": ""}, follow_redirects=True)
    assert b"Stripe did not make the refund" in response.data
    [call] = fake_stripe.calls("/v1/refunds")
    assert call.form == {"payment_intent": f"pi_{gift.id}"}
    assert call.headers["Idempotency-Key"] == f"leap-refund-{gift.id}-0-all"
    assert db.session.get(Donation, gift.id).refunded_cents == 0
