"""The member directory as SQL: WHERE clauses from a checked DirectoryQuery, sorted, one page at a time.

Every value reaching SQL is either from a whitelist (filters.py) or a bound parameter.
"""
from dataclasses import dataclass

from sqlalchemy import Select, func, literal, select, union

from ..core import registry
from ..core.timeutil import after_day, day_starts
from ..extensions import db
from ..members import search
from ..members.models import Member, MembershipStatus
from .filters import SORTS, DirectoryQuery


def flag_member_ids(name: str) -> Select:
    """The non-null member ids a registered flag selects (NULLs would break NOT IN)."""
    ids = registry.member_flags[name].member_ids().subquery()
    column = list(ids.c)[0]
    return select(column).where(column.is_not(None))


def conditions(query: DirectoryQuery) -> list:
    """The WHERE clauses for the filters of ``query``."""
    where = [search.matches(term) for term in query.q.split()]
    if query.categories:
        where.append(Member.category.in_(query.categories))
    # Merged records are empty shells; they appear only when asked for.
    where.append(Member.status.in_(query.statuses) if query.statuses
                 else Member.status != MembershipStatus.MERGED)
    if query.verifications:
        where.append(Member.verification.in_(query.verifications))
    if query.states:
        where.append(Member.state.in_(query.states))
    if query.zip_prefix:
        where.append(Member.zip_code.like(query.zip_prefix + "%"))
    if query.confirmed is not None:
        where.append(Member.email_confirmed_at.is_not(None) if query.confirmed
                     else Member.email_confirmed_at.is_(None))
    if query.email_updates is not None:
        where.append(Member.email_updates.is_(query.email_updates))
    if query.joined_from:
        where.append(Member.created_at >= day_starts(query.joined_from))
    if query.joined_to:
        where.append(Member.created_at < after_day(query.joined_to))
    for name, wanted in query.flags:
        inside = Member.id.in_(flag_member_ids(name))
        where.append(inside if wanted else ~inside)
    return where


def order_by(sort: str) -> list:
    """ORDER BY columns for a whitelisted sort key; the id breaks ties so pages never overlap."""
    descending = sort.startswith("-")
    columns = list(SORTS[sort.lstrip("-")]) + [Member.id]
    return [column.desc() if descending else column.asc() for column in columns]


@dataclass
class DirectoryPage:
    members: list[Member]
    total: int
    pages: int
    flags: dict[int, list[str]]


def directory_page(query: DirectoryQuery) -> DirectoryPage:
    """One page of members: a count, the rows, and one query per registered flag."""
    where = conditions(query)
    total = db.session.scalar(select(func.count()).select_from(Member).where(*where)) or 0
    pages = max(1, -(-total // query.per_page))
    # populate_existing: a member the request has loaded already (the staff member looking) is shown
    # as the rows read now are, not as first loaded; the page may be kept for everyone (directory_pages.py).
    members = list(db.session.scalars(select(Member).where(*where).order_by(*order_by(query.sort))
                                      .limit(query.per_page).offset((query.page - 1) * query.per_page)
                                      .execution_options(populate_existing=True)))
    return DirectoryPage(members=members, total=total, pages=pages, flags=flags_for([m.id for m in members]))


def flags_for(member_ids: list[int]) -> dict[int, list[str]]:
    """Which registered flags each of these members has: one query for every flag and member."""
    found: dict[int, list[str]] = {member_id: [] for member_id in member_ids}
    if not member_ids or not registry.member_flags:
        return found
    names = list(registry.member_flags)
    parts = []
    for position, name in enumerate(names):
        ids = flag_member_ids(name).subquery()
        column = list(ids.c)[0]
        parts.append(select(literal(position).label("flag"), column.label("member_id")).where(column.in_(member_ids)))
    for position, member_id in db.session.execute(union(*parts).order_by("flag")):
        found[member_id].append(registry.member_flags[names[position]].label)
    return found


def count_matching(query: DirectoryQuery) -> int:
    return db.session.scalar(select(func.count()).select_from(Member).where(*conditions(query))) or 0
