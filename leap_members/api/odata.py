"""The OData filter subset OSDI uses: ``modified_date gt '2026-01-01'``, ``email_address eq '...'``,
clauses joined by ``and``. Anything else is refused with a message naming the part."""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from email_validator import EmailNotValidError
from sqlalchemy import ColumnElement

from ..members.forms import normalise_email

OPERATORS = ("gt", "lt", "eq")
CLAUSE = re.compile(r"\s*(?P<field>[A-Za-z_][\w.]*)\s+(?P<op>[A-Za-z]+)\s+'(?P<value>(?:[^']|'')*)'\s*")
AND = re.compile(r"and\b", re.IGNORECASE)


class BadFilter(ValueError):
    """The filter cannot be read; the message names the part."""


@dataclass(frozen=True)
class Filterable:
    """A field a collection can be filtered on: its column and how its values read."""
    column: Any        # a model's column attribute, e.g. Member.updated_at
    kind: str          # "date" or "email"


def parse(text: str, fields: dict[str, Filterable]) -> list[ColumnElement]:
    """WHERE clauses for ``text``; raises BadFilter."""
    clauses, position = [], 0
    text = text.strip()
    while True:
        match = CLAUSE.match(text, position)
        if not match:
            raise BadFilter(f"Cannot read the filter at {text[position:][:60]!r}: write clauses such as "
                            f"modified_date gt '2026-01-01', joined by 'and'.")
        clauses.append(_clause(match, fields))
        position = match.end()
        if position == len(text):
            return clauses
        joiner = AND.match(text, position)
        if not joiner:
            raise BadFilter(f"Unsupported filter syntax at {text[position:][:60]!r}: only 'and' joins clauses.")
        position = joiner.end()


def _clause(match: re.Match, fields: dict[str, Filterable]) -> ColumnElement:
    name, operator, value = match["field"], match["op"].lower(), match["value"].replace("''", "'")
    field = fields.get(name)
    if field is None:
        raise BadFilter(f"Unsupported filter field {name!r}: this collection filters on "
                        f"{', '.join(sorted(fields))}.")
    if operator not in OPERATORS or (field.kind == "email" and operator != "eq"):
        allowed = "eq" if field.kind == "email" else "gt, lt or eq"
        raise BadFilter(f"Unsupported filter operator {match['op']!r} for {name}: use {allowed}.")
    column = field.column
    if field.kind == "email":
        try:
            address = normalise_email(value)
        except EmailNotValidError:
            address = value.strip().lower()
        return column == address     # stored in this canonical form (members/forms.py)
    start, end = _moment(name, value)
    if operator == "gt":
        return column > start
    if operator == "lt":
        return column < start
    return column == start if end == start else (column >= start) & (column < end)


def _moment(name: str, value: str) -> tuple[datetime, datetime]:
    """The first moment ``value`` names and the first after it. A day starts at midnight UTC (``gt``
    a day includes that day, as sync tools expect) and ``eq`` a day is the whole day; a time is one
    instant (both ends the same)."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, datetime.min.time())
            return start, start + timedelta(days=1) if day < date.max else datetime.max
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, OverflowError):
        raise BadFilter(f"{name} needs a date like '2026-01-31' or '2026-01-31T14:00:00Z', not {value!r}.") from None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:
            raise BadFilter(f"{name} {value!r} is outside the dates this system keeps.") from None
    return moment, moment
