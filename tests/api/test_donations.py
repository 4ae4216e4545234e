"""Donations: paid gifts in Action Network's shape, money as exact strings, and what is not a donation."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from leap_members.core.timeutil import utcnow
from leap_members.donations.models import Donation, Fund, RecurringGift
from leap_members.extensions import db
from tests.support.api import uuid_of
from tests.support.factories import make_member


def make_gift(member=None, **fields) -> Donation:
    values = dict(kind="one_time", amount_cents=2500, total_cents=2500, status="paid", paid_at=utcnow(),
                  donor_email=member.email if member else "guest@example.net",
                  donor_first_name=member.first_name if member else "Gus",
                  donor_last_name=member.last_name if member else "Guest", member_id=member.id if member else None)
    values.update(fields)
    gift = Donation(**values)
    db.session.add(gift)
    db.session.commit()
    return gift


def test_a_donation_reads_as_action_network_writes_it(api, app):
    member = make_member()
    fund = Fund(name="Speakers bureau")
    db.session.add(fund)
    db.session.commit()
    gift = make_gift(member, amount_cents=2500, fee_cents=105, total_cents=2605, fund_id=fund.id,
                     stripe_payment_intent_id="pi_123", tribute_type="memory", tribute_name="Sgt. Lee Park")
    body = api.get(f"donations/{gift.uuid}").get_json()
    assert body["identifiers"] == [f"leap_members:{gift.uuid}"]
    assert (body["amount"], body["currency"], body["leap:fee_covered"]) == ("26.05", "USD", "1.05")
    assert body["recipients"] == [{"display_name": "Speakers bureau", "amount": "26.05"}]
    assert body["payment"] == {"method": "Credit Card", "reference_number": "pi_123"}
    assert body["action_network:recurrence"] == {"recurring": False, "period": "None"}
    assert body["action_date"].endswith("Z") and body["leap:status"] == "paid"
    assert body["leap:refunded_amount"] == "0.00" and body["leap:tribute"] == "In memory of Sgt. Lee Park"
    assert body["_links"]["osdi:person"]["href"] == f"http://localhost/api/v2/people/{member.uuid}"


def test_a_monthly_charge_recurs_monthly_and_a_guest_gift_has_no_person(api, app):
    member = make_member()
    monthly = RecurringGift(stripe_subscription_id="sub_1", member_id=member.id, status="active",
                            amount_cents=1000, total_cents=1000, donor_email=member.email,
                            donor_first_name="Pat", donor_last_name="Member")
    db.session.add(monthly)
    db.session.commit()
    charge = make_gift(member, kind="monthly", amount_cents=1000, total_cents=1000, recurring_gift_id=monthly.id,
                       stripe_invoice_id="in_1")
    guest = make_gift(None, amount_cents=100000, total_cents=100000, anonymous=True, stripe_charge_id="ch_9")
    read = {uuid_of(d): d for d in api.get("donations").get_json()["_embedded"]["osdi:donations"]}
    assert read[charge.uuid]["action_network:recurrence"] == {"recurring": True, "period": "Monthly"}
    assert read[charge.uuid]["payment"]["reference_number"] == "in_1"
    assert read[guest.uuid]["amount"] == "1000.00" and read[guest.uuid]["leap:anonymous"] is True
    assert read[guest.uuid]["recipients"][0]["display_name"] == "Law Enforcement Action Partnership"
    assert "osdi:person" not in read[guest.uuid]["_links"]
    assert read[guest.uuid]["leap:donor"] == {"given_name": "Gus", "family_name": "Guest",
                                              "email_address": "guest@example.net"}


def test_refunds_and_disputes_keep_the_amount_and_say_what_happened(api, app):
    gift = make_gift(None, total_cents=5000, amount_cents=5000, refunded_cents=1250, status="partially_refunded",
                     refunded_at=utcnow())
    body = api.get(f"donations/{gift.uuid}").get_json()
    assert (body["amount"], body["leap:refunded_amount"], body["leap:status"]) == ("50.00", "12.50",
                                                                                  "partially_refunded")


@pytest.mark.parametrize("status,facts", [("pending", {}), ("expired", {"expired_at": utcnow()}),
                                          ("failed", {"failed_at": utcnow()}),
                                          ("processing", {"processing_at": utcnow()})])
def test_a_checkout_never_paid_is_not_a_donation(api, app, status, facts):
    gift = make_gift(None, status=status, paid_at=None, **facts)
    assert api.get("donations").get_json()["total_records"] == 0
    assert api.get(f"donations/{gift.uuid}").get_json() == {"error": f"Couldn't find donation with id = {gift.uuid}"}


def test_a_bank_debit_that_settled_says_so(api, app):
    gift = make_gift(None, processing_at=utcnow() - timedelta(days=3))
    assert api.get(f"donations/{gift.uuid}").get_json()["payment"]["method"] == "Bank Debit"


def test_a_persons_donations_are_theirs_only(api, app):
    member, other = make_member(), make_member()
    mine = make_gift(member)
    make_gift(other)
    make_gift(member, status="pending", paid_at=None)
    body = api.get(f"people/{member.uuid}/donations").get_json()
    assert [uuid_of(d) for d in body["_embedded"]["osdi:donations"]] == [mine.uuid]
    assert body["_links"]["self"]["href"].startswith(f"http://localhost/api/v2/people/{member.uuid}/donations?")
    assert api.get("people/nobody/donations").status_code == 404


def test_donations_filter_by_modified_date_and_page_in_a_stable_order(api, app):
    gifts = [make_gift(None) for _ in range(7)]
    old = gifts[0]
    db.session.execute(update(Donation).where(Donation.id == old.id).values(updated_at=utcnow() - timedelta(days=9)))
    db.session.commit()
    since = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%d")
    recent = api.get("donations", query_string={"filter": f"modified_date gt '{since}'"}).get_json()
    assert recent["total_records"] == 6 and old.uuid not in [uuid_of(d) for d in recent["_embedded"]["osdi:donations"]]
    seen, url = [], "donations?per_page=3"
    while url:
        body = api.get(url).get_json()
        seen += [uuid_of(d) for d in body["_embedded"]["osdi:donations"]]
        url = body["_links"].get("next", {}).get("href")
    assert seen[0] == old.uuid and sorted(seen) == sorted(g.uuid for g in gifts) and len(set(seen)) == 7
    unsupported = api.get("donations", query_string={"filter": "action_date gt '2026-01-01'"})
    assert unsupported.status_code == 400 and "'action_date'" in unsupported.get_json()["error"]


def test_donations_cannot_be_posted(api, app):
    response = api.post("donations", {"amount": "5.00"})
    assert response.status_code == 405 and "error" in response.get_json()


def test_a_page_of_donations_takes_the_same_few_queries_whatever_its_size(api, app, count_queries):
    fund = Fund(name="General")
    db.session.add(fund)
    db.session.commit()
    for _ in range(12):
        make_gift(make_member(), fund_id=fund.id)

    def statements(per_page):
        with count_queries() as counter:
            assert len(api.get(f"donations?per_page={per_page}").get_json()["_embedded"]["osdi:donations"]) == per_page
        return counter.count
    api.get("donations")
    assert statements(2) == statements(12) <= 5
