"""A donor's giving: history, yearly totals, and the annual statement."""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..members.models import Member
from .models import Donation, RecurringGift


@dataclass
class Statement:
    """Everything given in one calendar year by one donor, net of refunds."""
    year: int
    donor_name: str
    email: str
    gifts: list[Donation]
    # Who the statement is for: "member:<id>" or "email:<address>" for gifts made without an account.
    donor_key: str = ""

    @property
    def total_cents(self) -> int:
        return sum(gift.net_cents for gift in self.gifts)

    @property
    def refunded_cents(self) -> int:
        return sum(gift.refunded_cents for gift in self.gifts)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1), datetime(year + 1, 1, 1)


def member_gifts(member_id: int) -> list[Donation]:
    """A member's gifts that reached Stripe (pending and abandoned checkouts left out)."""
    return list(db.session.scalars(select(Donation).where(
        Donation.member_id == member_id, Donation.paid_at.is_not(None)).order_by(Donation.paid_at.desc())))


def member_recurring(member_id: int) -> list[RecurringGift]:
    return list(db.session.scalars(select(RecurringGift).where(RecurringGift.member_id == member_id)
                              .order_by(RecurringGift.created_at.desc())))


def member_years(member_id: int) -> list[int]:
    return sorted({gift.paid_at.year for gift in member_gifts(member_id) if gift.paid_at}, reverse=True)


def member_statement(member, year: int) -> Statement:
    start, end = _year_bounds(year)
    gifts = list(db.session.scalars(select(Donation).where(
        Donation.member_id == member.id, Donation.paid_at >= start, Donation.paid_at < end)
        .order_by(Donation.paid_at)))
    return Statement(year, member.full_name, member.email, gifts, f"member:{member.id}")


def statements_for_year(year: int) -> list[Statement]:
    """One statement per donor who gave in the year: members by account, guests by e-mail."""
    start, end = _year_bounds(year)
    gifts = db.session.scalars(select(Donation).where(Donation.paid_at >= start, Donation.paid_at < end)
                               .order_by(Donation.paid_at, Donation.id)).all()
    by_donor: dict[str, Statement] = {}
    for gift in gifts:
        key = f"member:{gift.member_id}" if gift.member_id else "email:" + hashlib.sha256(
            gift.donor_email.lower().encode()).hexdigest()[:32]
        if key not in by_donor:
            email, name = gift.donor_email, gift.donor_name
            if gift.member_id:
                member = db.session.get_one(Member, gift.member_id)   # the gift's foreign key
                email, name = member.email, member.full_name
            by_donor[key] = Statement(year, name, email, [], key)
        by_donor[key].gifts.append(gift)
    return [statement for statement in by_donor.values() if statement.total_cents > 0]
