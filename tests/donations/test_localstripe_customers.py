"""Stripe customers against localstripe: one per member, and their e-mail kept in step."""
import pytest
import stripe
from sqlalchemy import select

from leap_members.donations.customers import push_pending_emails
from leap_members.donations.models import Donation, StripeCustomer
from leap_members.extensions import db
from leap_members.members.services import confirm_email

from .events import SECRET_KEY
from .test_donate_page import donate_form


@pytest.fixture
def stripe_api(stripe_proxy):
    return stripe_proxy


def localstripe_customer(localstripe, customer_id: str):
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe}).v1.customers.retrieve(customer_id)


def test_a_logged_in_member_gets_one_stripe_customer_reused_for_every_gift(client, auth, stripe_proxy, member_factory):
    member = member_factory(email="giver@example.org")
    auth.login(member.email)
    client.post("/donate", data=donate_form(nonce="a"))
    client.post("/donate", data=donate_form(nonce="b", amount_choice="2500"))
    creates = [call for call in stripe_proxy.calls("/v1/customers") if call.method == "POST"]
    assert len(creates) == 1 and creates[0].form["email"] == "giver@example.org"
    sessions = stripe_proxy.calls("/v1/checkout/sessions")
    customers = {call.form["customer"] for call in sessions}
    assert len(sessions) == 2 and len(customers) == 1 and customers.pop().startswith("cus_")
    assert all("customer_email" not in call.form for call in sessions)
    gifts = db.session.scalars(select(Donation)).all()
    assert {gift.member_id for gift in gifts} == {member.id}


def test_a_members_confirmed_new_email_reaches_their_stripe_customer(client, auth, localstripe, member_factory):
    member = member_factory(email="old@example.org")
    auth.login(member.email)
    client.post("/donate", data=donate_form())
    link = db.session.scalar(select(StripeCustomer))
    assert localstripe_customer(localstripe, link.stripe_customer_id).email == "old@example.org"

    member.pending_email = "new@example.org"
    confirm_email(member, "new@example.org")
    db.session.commit()

    assert localstripe_customer(localstripe, link.stripe_customer_id).email == "new@example.org"
    db.session.refresh(link)
    assert link.email == "new@example.org" and not link.email_sync_pending


def test_an_email_change_made_while_stripe_is_down_is_kept_and_pushed_later(client, auth, localstripe, stripe_proxy,
                                                                            member_factory):
    member = member_factory(email="old@example.org")
    auth.login(member.email)
    client.post("/donate", data=donate_form())
    link = db.session.scalar(select(StripeCustomer))

    stripe_proxy.failure = (500, {"error": {"type": "api_error", "message": "Stripe is having a bad day"}})
    member.pending_email = "new@example.org"
    confirm_email(member, "new@example.org")
    db.session.commit()
    db.session.refresh(link)
    assert link.email_sync_pending and "bad day" not in (link.email or "")
    assert localstripe_customer(localstripe, link.stripe_customer_id).email == "old@example.org"

    stripe_proxy.failure = None
    db.session.commit()   # what `flask reconcile-stripe` does: push outside any open transaction
    assert push_pending_emails() == (1, 0)
    assert localstripe_customer(localstripe, link.stripe_customer_id).email == "new@example.org"


def test_a_rolled_back_email_change_is_never_pushed(client, auth, localstripe, member_factory):
    member = member_factory(email="old@example.org")
    auth.login(member.email)
    client.post("/donate", data=donate_form())
    link_id, customer_id = db.session.scalar(select(StripeCustomer)).id, db.session.scalar(
        select(StripeCustomer.stripe_customer_id))
    member.pending_email = "new@example.org"
    confirm_email(member, "new@example.org")
    db.session.rollback()
    assert localstripe_customer(localstripe, customer_id).email == "old@example.org"
    assert push_pending_emails() == (0, 0)
    assert db.session.get(StripeCustomer, link_id).email == "old@example.org"
