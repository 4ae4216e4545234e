"""Donations: the gifts that were paid, in Action Network's shape.

A checkout that was never paid (pending, expired, failed, still processing) is not a donation and
is not listed. ``amount`` is what the card was charged (the gift plus any fee the donor chose to
cover, ``leap:fee_covered``); a refund or dispute leaves it as it was and shows in ``leap:status``
and ``leap:refunded_amount``. A gift made without an account has no ``osdi:person`` link;
``leap:donor`` holds the name and address typed at checkout.
"""
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import and_, select

from ..donations.models import Donation, Fund, Kind
from ..extensions import db
from ..members.models import Member, MembershipStatus
from . import bp
from .hal import dates, identifiers, iso, link, respond
from .lookup import find, find_person
from .odata import Filterable
from .paging import Listing, collection
from .routing import api_route

RECEIVED = (Donation.paid_at.is_not(None),)


def money(cents: int) -> str:
    """"25.00": exact, from whole cents."""
    return f"{cents // 100}.{cents % 100:02d}"


def represent_donations(records: Sequence[Donation]) -> list[dict]:
    """The page's donations, with their donors' uuids and funds' names read in one query."""
    extra: dict[int, tuple[str | None, str | None]] = {}
    if records:
        rows = db.session.execute(
            select(Donation.id, Member.uuid, Fund.name)
            .outerjoin(Member, and_(Member.id == Donation.member_id, Member.status != MembershipStatus.MERGED))
            .outerjoin(Fund, Fund.id == Donation.fund_id)
            .where(Donation.id.in_([gift.id for gift in records])))
        extra = {gift_id: (person_uuid, fund_name) for gift_id, person_uuid, fund_name in rows}
    return [represent_donation(gift, *extra[gift.id]) for gift in records]


def represent_donation(gift: Donation, person_uuid: str | None, fund_name: str | None) -> dict:
    charged = money(gift.total_cents)
    monthly = gift.kind == Kind.MONTHLY or gift.recurring_gift_id is not None
    links = {"self": link("donations", gift.uuid)}
    if person_uuid:
        links["osdi:person"] = link("people", person_uuid)
    return {
        "identifiers": identifiers(gift.uuid),
        **dates(gift),
        "amount": charged,
        "currency": gift.currency.upper(),
        "action_date": iso(gift.paid_at),
        "recipients": [{"display_name": fund_name or current_app.config["ORG_NAME"], "amount": charged}],
        # Stripe Checkout: a payment that went through "processing" was a bank debit, not a card.
        "payment": {"method": "Bank Debit" if gift.processing_at else "Credit Card",
                    "reference_number": gift.stripe_charge_id or gift.stripe_payment_intent_id
                    or gift.stripe_invoice_id},
        "action_network:recurrence": {"recurring": monthly, "period": "Monthly" if monthly else "None"},
        "leap:status": gift.status,
        "leap:refunded_amount": money(gift.refunded_cents),
        "leap:fee_covered": money(gift.fee_cents),
        "leap:anonymous": gift.anonymous,      # not to be named in public; staff tools may see the donor
        "leap:tribute": gift.tribute_label,
        "leap:receipt_number": gift.receipt_number,
        "leap:donor": {"given_name": gift.donor_first_name, "family_name": gift.donor_last_name,
                       "email_address": gift.donor_email},
        "_links": links,
    }


DONATIONS = Listing(name="donations", model=Donation, modified=Donation.updated_at, represent=represent_donations,
                    filters={"modified_date": Filterable(Donation.updated_at, "date"),
                             "created_date": Filterable(Donation.created_at, "date")})


@api_route(bp, "/donations")
def donations():
    return collection(DONATIONS, "donations", where=RECEIVED)


@api_route(bp, "/donations/<uuid>")
def donation(uuid: str):
    return respond(represent_donations([find(Donation, uuid, "donation", *RECEIVED)])[0])


@api_route(bp, "/people/<uuid>/donations")
def person_donations(uuid: str):
    member = find_person(uuid)
    return collection(DONATIONS, "people", uuid, "donations", where=[*RECEIVED, Donation.member_id == member.id])
