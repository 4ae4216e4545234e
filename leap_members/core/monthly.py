"""Figures per calendar month for the last year, for the staff dashboard's charts."""
from datetime import date

from sqlalchemy import extract, select

from ..extensions import db
from .timeutil import utcnow

MONTHS_SHOWN = 12


def month_starts(today: date, months: int = MONTHS_SHOWN) -> list[date]:
    """The first day of each of the last ``months`` months, oldest first."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def per_month(when, value, *conditions, today: date | None = None) -> list[tuple[str, int]]:
    """(label "Jan 2025", value) for each of the last twelve months, empty months included.

    ``when`` is the datetime column that places a row in a month; ``value`` an aggregate
    such as ``func.count()`` or ``func.sum(...)``. One GROUP BY query, whatever the rows.
    """
    starts = month_starts(today or utcnow().date())
    year, month = extract("year", when), extract("month", when)
    statement = select(year, month, value).where(when >= starts[0], *conditions).group_by(year, month)
    totals = {(int(y), int(m)): int(total or 0) for y, m, total in db.session.execute(statement)}
    return [(start.strftime("%b %Y"), totals.get((start.year, start.month), 0)) for start in starts]
