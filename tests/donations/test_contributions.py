"""What giving adds to the member record, merges, the directory flag and the staff dashboard."""
from flask import render_template
from sqlalchemy import select

from leap_members.core import registry
from leap_members.donations.contributions import donations_panel, gifts_timeline, move_gifts
from leap_members.donations.models import Donation, RecurringGift, StripeCustomer
from leap_members.extensions import db
from tests.support.clients import client_as

from .events import checkout_session, event, invoice, signed_post


def test_giving_registers_a_timeline_a_merge_step_a_donor_flag_and_a_dashboard_panel(app):
    assert gifts_timeline in registry.timeline_sources
    assert move_gifts in registry.merge_steps
    assert registry.member_flags["donor"].label == "Has given"
    assert donations_panel in registry.dashboard_panels


def test_the_timeline_shows_each_paid_gift_of_the_member(client, member, make_gift):
    gift = make_gift(member=member, amount_cents=6000)
    signed_post(client, event("checkout.session.completed", checkout_session(gift)))
    make_gift(member=member, amount_cents=999)   # not paid
    with app_request(client):
        events = gifts_timeline(member)
    assert [(item.kind, item.text) for item in events] == [("gift", "Gave $60.00 (one-time)")]
    assert events[0].url == f"/staff/donations/{gift.id}"


def app_request(client):
    return client.application.test_request_context()


def test_the_donor_flag_selects_members_who_have_given(client, member_factory, make_gift):
    giver, pending_only, _nobody = member_factory(), member_factory(), member_factory()
    signed_post(client, event("checkout.session.completed", checkout_session(make_gift(member=giver))))
    make_gift(member=pending_only)
    ids = set(db.session.scalars(registry.member_flags["donor"].member_ids()))
    assert ids == {giver.id}


def test_merging_members_moves_gifts_monthly_gifts_and_the_stripe_customer(client, member_factory, make_gift):
    old, kept = member_factory(), member_factory()
    monthly = make_gift(member=old, kind="monthly")
    signed_post(client, event("checkout.session.completed", checkout_session(monthly, subscription="sub_merge")))
    make_gift(member=old)
    db.session.add(StripeCustomer(member_id=old.id, stripe_customer_id="cus_old", email=old.email))
    db.session.commit()
    moved = move_gifts(old.id, kept.id)
    db.session.commit()
    assert moved == {"gifts": 2, "monthly gifts": 1, "Stripe customer link": 1}
    assert set(db.session.scalars(select(Donation.member_id))) == {kept.id}
    assert db.session.scalar(select(RecurringGift.member_id)) == kept.id
    assert db.session.scalar(select(StripeCustomer.member_id)) == kept.id


def test_the_dashboard_panel_lists_monthly_gifts_whose_payment_failed(client, make_gift):
    gift = make_gift(kind="monthly", email="late@example.net")
    signed_post(client, event("checkout.session.completed", checkout_session(gift, subscription="sub_late")))
    signed_post(client, event("invoice.payment_failed", invoice("sub_late", invoice_id="in_late")))
    template, context = donations_panel()
    assert template == "donations/_dashboard_panel.html"
    assert [item.donor_email for item in context["problem_gifts"]] == ["late@example.net"]
    with app_request(client):
        html = render_template(template, **context)
    assert "late@example.net" in html and "Monthly gifts needing attention" in html


def test_the_dashboard_charts_money_received_per_month_net_of_refunds(client, make_gift):
    from leap_members.core.timeutil import utcnow

    from .events import charge

    paid = make_gift(amount_cents=6000)
    signed_post(client, event("checkout.session.completed", checkout_session(paid, payment_intent="pi_chart")))
    signed_post(client, event("charge.refunded", charge("pi_chart", amount=paid.total_cents, refunded=1000)))
    make_gift(amount_cents=999)   # never paid: not counted
    _, context = donations_panel()
    points = context["received_per_month"]
    assert len(points) == 12
    assert points[-1] == (utcnow().strftime("%b %Y"), 5000)
    assert sum(value for _, value in points) == 5000
    with app_request(client):
        html = render_template("donations/_dashboard_panel.html", **context)
    assert "Donations received per month" in html and "$50.00" in html


def test_a_paid_gift_shows_as_a_badge_in_a_directory_page_seen_just_before(app, client, member_factory,
                                                                            make_gift, staff):
    giver = member_factory(last_name="Okafor")
    directory = client_as(app, staff)
    badge = '<span class="badge">Has given</span>'
    assert badge not in directory.get("/staff/members?q=okafor").get_data(as_text=True)
    signed_post(client, event("checkout.session.completed", checkout_session(make_gift(member=giver))))
    assert badge in directory.get("/staff/members?q=okafor").get_data(as_text=True)
