"""A donor's history, printable receipts, and annual statements (page and CLI)."""
from datetime import datetime

from sqlalchemy import select

from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage
from tests.support.smtp import body_of

from .events import charge, checkout_session, event, signed_post


def pay(client, gift, when: datetime | None = None, refunded: int = 0):
    signed_post(client, event("checkout.session.completed", checkout_session(gift, payment_intent=f"pi_{gift.id}")))
    if refunded:
        signed_post(client, event("charge.refunded", charge(f"pi_{gift.id}", amount=gift.total_cents,
                                                            refunded=refunded)))
    db.session.refresh(gift)
    if when:
        gift.paid_at = when
        db.session.commit()
    return gift


def test_history_needs_a_login(client):
    response = client.get("/account/giving")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_member_sees_their_own_gifts_receipts_and_statement_years_only(client, auth, member_factory, make_gift):
    me, someone = member_factory(), member_factory()
    mine = pay(client, make_gift(member=me, amount_cents=4200), datetime(2024, 6, 1))
    pay(client, make_gift(member=someone, amount_cents=9900))
    make_gift(member=me, amount_cents=1234)   # never paid: not shown
    auth.login(me.email)
    page = client.get("/account/giving").get_data(as_text=True)
    assert "$42.00" in page and mine.receipt_number in page and "2024 giving statement" in page
    assert "$99.00" not in page and "$12.34" not in page


def test_the_printable_receipt_states_what_the_tax_rules_ask_for(client, make_gift, fund):
    gift = pay(client, make_gift(amount_cents=5000, cover_fee=True, fund_id=fund.id))
    page = client.get(f"/donate/receipt/{gift.public_token}").get_data(as_text=True)
    for expected in ("Law Enforcement Action Partnership, Inc.", "EIN 00-0000000", gift.receipt_number,
                     "$51.44", "including $1.44 you added to cover processing", "Speakers bureau",
                     "No goods or services were provided in exchange for this contribution."):
        assert expected in page
    assert 'href="/static/donations/print.css"' in page


def test_an_unpaid_gift_has_no_receipt(client, make_gift):
    assert client.get(f"/donate/receipt/{make_gift().public_token}").status_code == 404


def test_the_annual_statement_page_totals_the_year_after_refunds(client, auth, member, make_gift):
    pay(client, make_gift(member=member, amount_cents=10000), datetime(2024, 2, 1), refunded=4000)
    pay(client, make_gift(member=member, amount_cents=2500), datetime(2024, 11, 30))
    pay(client, make_gift(member=member, amount_cents=7000), datetime(2025, 1, 2))
    auth.login(member.email)
    page = client.get("/account/giving/statement/2024").get_data(as_text=True)
    assert "Total given in 2024, after refunds: $85.00" in page and "$70.00" not in page
    assert "EIN 00-0000000" in page
    assert client.get("/account/giving/statement/1999").status_code == 404


def test_send_annual_statements_mails_each_donor_once_even_when_run_twice(runner, client, member, make_gift, deliver):
    pay(client, make_gift(member=member, amount_cents=5000), datetime(2024, 3, 1))
    pay(client, make_gift(member=member, amount_cents=2500, email="other-address@example.net"), datetime(2024, 9, 1))
    pay(client, make_gift(email="guest@example.net", amount_cents=1000), datetime(2024, 5, 5))
    pay(client, make_gift(email="guest@example.net", amount_cents=1000), datetime(2023, 5, 5))
    pay(client, make_gift(email="refunded@example.net", amount_cents=1000), datetime(2024, 5, 5), refunded=1000)

    first = runner.invoke(args=["send-annual-statements", "--year", "2024"])
    assert first.exit_code == 0 and "2 donors gave in 2024; 2 statements queued" in first.output
    second = runner.invoke(args=["send-annual-statements", "--year", "2024"])
    assert "0 statements queued, 2 had been queued before" in second.output
    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "donation-statement")).all()) == 2

    inbox = deliver()
    member_statement = body_of(inbox.last_to(member.email))
    assert "Total given in 2024, after refunds: $75.00" in member_statement
    assert "No goods or services were provided" in member_statement
    assert "Total given in 2024, after refunds: $10.00" in body_of(inbox.last_to("guest@example.net"))
    # A gift refunded in full leaves nothing to state.
    assert not [m for m in inbox.to("refunded@example.net") if "giving statement" in m["Subject"]]


def test_send_annual_statements_requires_a_year(runner):
    result = runner.invoke(args=["send-annual-statements"])
    assert result.exit_code != 0 and "--year" in result.output


def test_a_receipt_number_never_changes(client, make_gift):
    gift = pay(client, make_gift(amount_cents=5000))
    number = gift.receipt_number
    signed_post(client, event("charge.refunded", charge(f"pi_{gift.id}", amount=5000, refunded=5000)))
    signed_post(client, event("checkout.session.async_payment_succeeded",
                              checkout_session(gift, payment_intent=f"pi_{gift.id}")))
    db.session.refresh(gift)
    assert gift.receipt_number == number and gift.status == "refunded"
