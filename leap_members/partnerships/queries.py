"""Finding agreements by status, partner, state and end date; the same rules as lifecycle.status, in SQL."""
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from ..extensions import db
from . import lifecycle
from .models import Agreement, Partner

DIGEST_WINDOW_DAYS = 90


@dataclass(frozen=True)
class AgreementFilter:
    """What the staff list may be narrowed by; every value already validated."""
    status: str | None = None
    partner_id: int | None = None
    state: str | None = None
    ending_within_days: int | None = None


def _not_in_force_yet(today: date):
    return or_(Agreement.signed_on.is_(None), Agreement.signed_on > today, Agreement.ends_on.is_(None))


def status_condition(status: str, today: date):
    """A WHERE clause matching lifecycle.status(...) == status."""
    signed = and_(Agreement.signed_on.is_not(None), Agreement.signed_on <= today, Agreement.ends_on.is_not(None))
    notice_on_record = and_(Agreement.notice_received_on.is_not(None), Agreement.notice_received_on <= today)
    return {
        lifecycle.DRAFT: _not_in_force_yet(today),
        lifecycle.ENDED: and_(signed, Agreement.ends_on <= today),
        lifecycle.NOTICE_GIVEN: and_(signed, Agreement.ends_on > today, notice_on_record),
        lifecycle.ACTIVE: and_(signed, Agreement.ends_on > today, ~notice_on_record),
    }[status]


def involving(partner_id: int | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    return or_(Agreement.party_a_partner_id == partner_id, Agreement.party_b_partner_id == partner_id)


def ending_condition(today: date, days: int):
    """Still in force, and ends (term or notice) within ``days`` days."""
    return and_(status_condition(lifecycle.ACTIVE, today) | status_condition(lifecycle.NOTICE_GIVEN, today),
                Agreement.ends_on <= today + timedelta(days=days))


def filtered(filters: AgreementFilter, today: date) -> Select:
    """Agreements matching the filters, soonest end first, drafts last."""
    query = select(Agreement).options(selectinload(Agreement.party_a_partner), selectinload(Agreement.party_b_partner),
                                      selectinload(Agreement.renewal), selectinload(Agreement.renewed_from))
    if filters.status:
        query = query.where(status_condition(filters.status, today))
    if filters.partner_id:
        query = query.where(involving(filters.partner_id))
    if filters.state:
        query = query.where(Agreement.governing_state == filters.state)
    if filters.ending_within_days is not None:
        query = query.where(ending_condition(today, filters.ending_within_days))
    return query.order_by(Agreement.ends_on.is_(None), Agreement.ends_on, Agreement.id)


def list_agreements(filters: AgreementFilter, today: date) -> list[Agreement]:
    return list(db.session.scalars(filtered(filters, today)))


def stream_agreements(filters: AgreementFilter, today: date) -> Iterator[Agreement]:
    """The same rows as the list, fetched in batches for an export."""
    yield from db.session.scalars(filtered(filters, today).execution_options(yield_per=200))


def ending_within(today: date, days: int, limit: int | None = None) -> list[Agreement]:
    """Agreements in force whose term or notice period ends within ``days`` days, soonest first."""
    query = filtered(AgreementFilter(ending_within_days=days), today)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def status_counts(today: date) -> dict[str, int]:
    """How many agreements are in each status today (every status present, zero if none)."""
    label = case(
        (_not_in_force_yet(today), lifecycle.DRAFT),
        (Agreement.ends_on <= today, lifecycle.ENDED),
        (and_(Agreement.notice_received_on.is_not(None), Agreement.notice_received_on <= today),
         lifecycle.NOTICE_GIVEN),
        else_=lifecycle.ACTIVE,
    ).label("status")
    # Grouping on a subquery's column: PostgreSQL refuses to group by an expression whose
    # bound parameters differ from the selected one.
    statuses = select(label).subquery()
    counts = dict.fromkeys(lifecycle.STATUSES, 0)
    for status, count in db.session.execute(select(statuses.c.status, func.count()).group_by(statuses.c.status)):
        counts[status] = count
    return counts


def partners_with_counts(search: str | None = None) -> list[tuple[Partner, int]]:
    """Partners by name, each with how many agreements it is a party to."""
    query = (select(Partner, func.count(Agreement.id))
             .outerjoin(Agreement, involving(Partner.id))
             .group_by(Partner.id).order_by(Partner.name_key))
    if search:
        query = query.where(Partner.name_key.contains(" ".join(search.split()).casefold(), autoescape=True))
    return [(partner, count) for partner, count in db.session.execute(query)]


def all_partners() -> list[Partner]:
    return list(db.session.scalars(select(Partner).order_by(Partner.name_key)))
