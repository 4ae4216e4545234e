"""Member exports: whitelisted columns, rows streamed from a server-side cursor, every export recorded."""
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator

from sqlalchemy import case, select

from ..core import registry
from ..core.database import reading_only
from ..extensions import db
from ..members.categories import category_label
from ..members.models import Member
from .audit import complete_export, record_event
from .directory import conditions, flag_member_ids, order_by
from .filters import STATUS_LABELS, VERIFICATION_LABELS, DirectoryQuery

YIELD_PER = 1000  # rows fetched per round trip; memory stays flat however many members match


def _when(value: datetime | None) -> str:
    # isoformat gives the same "YYYY-MM-DD HH:MM:SS" as strftime, several times faster.
    return value.isoformat(" ", "seconds") if value else ""


def _unchanged(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class ExportColumn:
    key: str
    header: str
    expression: Any
    convert: Callable[[Any], Any] = _unchanged
    # Agency and role: blanked for members who asked to keep their affiliation private,
    # when the export is meant for people beyond staff.
    affiliation: bool = False


BASE_COLUMNS = (
    ExportColumn("id", "Member ID", Member.id),
    ExportColumn("first_name", "First name", Member.first_name),
    ExportColumn("last_name", "Last name", Member.last_name),
    ExportColumn("email", "E-mail", Member.email),
    ExportColumn("email_confirmed", "E-mail confirmed", Member.email_confirmed_at, lambda v: v is not None),
    ExportColumn("phone", "Phone", Member.phone),
    ExportColumn("city", "City", Member.city),
    ExportColumn("state", "State", Member.state),
    ExportColumn("zip_code", "ZIP code", Member.zip_code),
    ExportColumn("category", "Category", Member.category, category_label),
    ExportColumn("organisation", "Agency or organisation", Member.organisation, affiliation=True),
    ExportColumn("role_title", "Rank or role", Member.role_title, affiliation=True),
    ExportColumn("years_of_service", "Years of service", Member.years_of_service),
    ExportColumn("affiliation_private", "Affiliation private", Member.affiliation_private),
    ExportColumn("verification", "Verification", Member.verification, lambda v: VERIFICATION_LABELS.get(v, v)),
    ExportColumn("verified_at", "Verified at (UTC)", Member.verified_at, _when),
    ExportColumn("status", "Membership status", Member.status, lambda v: STATUS_LABELS.get(v, v)),
    ExportColumn("email_updates", "E-mail updates", Member.email_updates),
    ExportColumn("joined", "Joined (UTC)", Member.created_at, _when),
    ExportColumn("last_login", "Last login (UTC)", Member.last_login_at, _when),
)
DEFAULT_COLUMNS = ("first_name", "last_name", "email", "category", "city", "state", "zip_code", "status", "joined")


def available_columns() -> dict[str, ExportColumn]:
    """Every column staff may export: the member's own fields and each registered flag."""
    columns = {column.key: column for column in BASE_COLUMNS}
    for name, flag in registry.member_flags.items():
        key = f"flag_{name}"
        columns[key] = ExportColumn(key, flag.label, case((Member.id.in_(flag_member_ids(name)), True), else_=False))
    return columns


class BadColumns(ValueError):
    """Columns were asked for that are not on the list."""


def choose_columns(keys: list[str]) -> list[ExportColumn]:
    """The columns for these keys, in the order of the list; unknown keys are refused."""
    columns = available_columns()
    unknown = [key for key in keys if key not in columns]
    if unknown:
        raise BadColumns(f"Unknown column “{unknown[0][:40]}”.")
    if not keys:
        raise BadColumns("Choose at least one column to export.")
    wanted = set(keys)
    return [column for key, column in columns.items() if key in wanted]


def export_rows(query: DirectoryQuery, columns: list[ExportColumn], hide_private: bool) -> Iterator[list[Any]]:
    """The rows of an export, fetched in batches through a server-side cursor."""
    statement = (select(Member.affiliation_private, *(column.expression for column in columns))
                 .where(*conditions(query)).order_by(*order_by(query.sort))
                 .execution_options(yield_per=YIELD_PER))
    blank = [hide_private and column.affiliation for column in columns]
    hides = any(blank)
    # Columns shown as stored skip the call: an export converts millions of cells.
    converts = [None if column.convert is _unchanged else column.convert for column in columns]
    # Plain columns, so the Core connection serves them: the ORM's row handling would double the cost.
    for row in db.session.connection().execute(statement):
        values = [value if convert is None else convert(value) for convert, value in zip(converts, row[1:])]
        if hides and row[0]:
            values = ["" if hidden else value for hidden, value in zip(blank, values)]
        yield values


def start_export(query: DirectoryQuery, columns: list[ExportColumn], hide_private: bool, expected: int,
                 where: str, actor=None) -> int:
    """Record an export before its first row is sent; returns the audit event id."""
    event = record_event(
        "export", f"Exported {expected} member{'s' if expected != 1 else ''} ({where}): {query.describe()}",
        details={"filters": query.as_record(), "columns": [column.key for column in columns],
                 "private_affiliations_left_out": hide_private, "expected_rows": expected, "where": where},
        row_count=0, completed=False, actor=actor)
    return event.id


def recorded_rows(event_id: int, rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """Pass rows through in a read-only transaction; after the last one, mark the export
    complete with the real count in a writing transaction of its own."""
    reading_only(True)
    written = 0
    for row in rows:
        yield row
        written += 1
    db.session.commit()  # end the long read before writing
    reading_only(False)
    complete_export(event_id, written)
    db.session.commit()


def export_filename(now: datetime) -> str:
    return f"leap-members-{now.strftime('%Y%m%d-%H%M%S')}.csv"
