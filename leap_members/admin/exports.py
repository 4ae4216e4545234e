"""Member exports: whitelisted columns, rows streamed from a server-side cursor (on PostgreSQL,
CSV written by the database itself), every export recorded."""
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generator, Iterator, Sequence

from sqlalchemy import Select, String, case, cast, func, select

from ..core import registry
from ..core.csvsafe import WrittenCsv, database_csv, neutralised_in_sql
from ..core.database import on_sqlite, reading_only
from ..extensions import db
from ..members.categories import CATEGORIES
from ..members.models import Member
from ..outreach.tags import tag_names
from .audit import complete_export, record_event
from .directory import conditions, flag_member_ids, order_by
from .filters import STATUS_LABELS, VERIFICATION_LABELS, DirectoryQuery

YIELD_PER = 1000  # rows fetched per round trip; memory stays flat however many members match


TEXT, NUMBER, YES_NO, TIME = "text", "number", "yes/no", "time"


@dataclass(frozen=True)
class ExportColumn:
    """One column of the member export; the database turns each value into the cell's final text."""
    key: str
    header: str
    source: Any                      # the stored value
    kind: str = TEXT
    labels: dict[str, str] | None = None
    # Agency and role: blanked for members who asked to keep their affiliation private,
    # when the export is meant for people beyond staff.
    affiliation: bool = False

    def cell(self):
        if self.kind == NUMBER:
            return func.coalesce(cast(self.source, String), "")
        if self.kind == YES_NO:
            return case((self.source.is_(None), ""), (self.source, "yes"), else_="no")
        if self.kind == TIME:   # "YYYY-MM-DD HH:MM:SS", UTC as stored
            text = (func.substr(self.source, 1, 19) if on_sqlite()
                    else func.to_char(self.source, "YYYY-MM-DD HH24:MI:SS"))
            return func.coalesce(text, "")
        if self.labels:   # the labels are ours and safe; only an unknown stored code needs the check
            return case(self.labels, value=self.source, else_=neutralised_in_sql(self.source))
        return neutralised_in_sql(self.source)


BASE_COLUMNS = (
    ExportColumn("id", "Member ID", Member.id, NUMBER),
    ExportColumn("first_name", "First name", Member.first_name),
    ExportColumn("last_name", "Last name", Member.last_name),
    ExportColumn("email", "E-mail", Member.email),
    ExportColumn("email_confirmed", "E-mail confirmed", Member.email_confirmed_at.is_not(None), YES_NO),
    ExportColumn("phone", "Phone", Member.phone),
    ExportColumn("city", "City", Member.city),
    ExportColumn("state", "State", Member.state),
    ExportColumn("zip_code", "ZIP code", Member.zip_code),
    ExportColumn("category", "Category", Member.category, labels={code: c.label for code, c in CATEGORIES.items()}),
    ExportColumn("organisation", "Agency or organisation", Member.organisation, affiliation=True),
    ExportColumn("role_title", "Rank or role", Member.role_title, affiliation=True),
    ExportColumn("years_of_service", "Years of service", Member.years_of_service, NUMBER),
    ExportColumn("affiliation_private", "Affiliation private", Member.affiliation_private, YES_NO),
    ExportColumn("verification", "Verification", Member.verification, labels=VERIFICATION_LABELS),
    ExportColumn("verified_at", "Verified at (UTC)", Member.verified_at, TIME),
    ExportColumn("status", "Membership status", Member.status, labels=STATUS_LABELS),
    ExportColumn("email_updates", "E-mail updates", Member.email_updates, YES_NO),
    ExportColumn("joined", "Joined (UTC)", Member.created_at, TIME),
    ExportColumn("last_login", "Last login (UTC)", Member.last_login_at, TIME),
)
DEFAULT_COLUMNS = ("first_name", "last_name", "email", "category", "city", "state", "zip_code", "status", "joined")


def available_columns() -> dict[str, ExportColumn]:
    """Every column staff may export: the member's own fields, their tags and each registered flag."""
    columns = {column.key: column for column in BASE_COLUMNS}
    columns["tags"] = ExportColumn("tags", "Tags", tag_names(Member.id))
    for name, flag in registry.member_flags.items():
        key = f"flag_{name}"
        columns[key] = ExportColumn(key, flag.label, Member.id.in_(flag_member_ids(name)), YES_NO)
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


def export_statement(query: DirectoryQuery, columns: list[ExportColumn], hide_private: bool) -> Select:
    """The export's rows as the cells' final, formula-safe text: the database converts every cell,
    since an export converts millions of them."""
    cells = [case((Member.affiliation_private, ""), else_=column.cell())
             if hide_private and column.affiliation else column.cell() for column in columns]
    return select(*cells).where(*conditions(query)).order_by(*order_by(query.sort))


def export_rows(query: DirectoryQuery, columns: list[ExportColumn], hide_private: bool) -> Iterator[Sequence[str]]:
    """The rows of an export, fetched in batches through a server-side cursor."""
    statement = export_statement(query, columns, hide_private).execution_options(yield_per=YIELD_PER)
    yield from db.session.connection().execute(statement)


def start_export(query: DirectoryQuery, columns: list[ExportColumn], hide_private: bool, expected: int,
                 where: str, actor=None) -> int:
    """Record an export before its first row is sent; returns the audit event id."""
    event = record_event(
        "export", f"Exported {expected} member{'s' if expected != 1 else ''} ({where}): {query.describe()}",
        details={"filters": query.as_record(), "columns": [column.key for column in columns],
                 "private_affiliations_left_out": hide_private, "expected_rows": expected, "where": where},
        row_count=0, completed=False, actor=actor)
    return event.id


def recorded_export(event_id: int, query: DirectoryQuery, columns: list[ExportColumn],
                    hide_private: bool) -> Iterator[Sequence[str]] | WrittenCsv:
    """What an export streams after its header, marked complete with the real count after the last row.

    On PostgreSQL the database writes the CSV itself (COPY): no Python runs per row, which halves the
    time of a large export. Elsewhere the rows go to csv.writer.
    """
    if on_sqlite():
        return _recorded_rows(event_id, export_rows(query, columns, hide_private))
    return WrittenCsv(_recorded_copy(event_id, export_statement(query, columns, hide_private)))


def _recorded_rows(event_id: int, rows: Iterator[Sequence[str]]) -> Iterator[Sequence[str]]:
    """Pass rows through in a read-only transaction; after the last one, mark the export
    complete with the real count in a writing transaction of its own."""
    reading_only(True)
    written = 0
    for row in rows:
        yield row
        written += 1
    _complete(event_id, written)


def _recorded_copy(event_id: int, statement: Select) -> Generator[bytes, None, None]:
    reading_only(True)
    written = yield from database_csv(statement)
    _complete(event_id, written)


def _complete(event_id: int, written: int) -> None:
    db.session.commit()  # end the long read before writing
    reading_only(False)
    complete_export(event_id, written)
    db.session.commit()


def export_filename(now: datetime) -> str:
    return f"leap-members-{now.strftime('%Y%m%d-%H%M%S')}.csv"
