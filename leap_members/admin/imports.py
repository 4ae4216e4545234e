"""Importing an existing member list: check every row first, then add only people not already here.

Rows are matched on the normalised e-mail address, so nobody is added twice: not when the
address is already a member, not when it appears twice in the file, not when the same file
is applied again.
"""
import csv
import io
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..core.csvsafe import FORMULA_TRIGGERS
from ..core.database import rows_changed
from ..core.timeutil import utcnow
from ..extensions import db
from ..members import search
from ..members.categories import CATEGORIES
from ..members.forms import normalise_email
from ..members.geography import state_code, zip_code
from ..members.models import Consent, Member, Verification
from .audit import current_actor, record_event
from .models import MemberImport

# Column headings understood, in lower case without spaces, dashes or underscores.
HEADINGS = {
    "email": ("email", "emailaddress"),
    "first_name": ("firstname", "givenname"),
    "last_name": ("lastname", "surname", "familyname"),
    "city": ("city", "town"),
    "state": ("state",),
    "zip_code": ("zipcode", "zip", "postalcode", "postcode"),
    "phone": ("phone", "telephone", "phonenumber"),
    "category": ("category", "membershipcategory"),
    "organisation": ("agencyororganisation", "organisation", "organization", "agency"),
    "role_title": ("rankorrole", "role", "rank", "title", "roletitle"),
    "years_of_service": ("yearsofservice", "years"),
    "email_updates": ("emailupdates", "consenttoemail"),
}
REQUIRED = ("email", "first_name", "last_name", "city", "state", "zip_code")
LIMITS = {"first_name": 80, "last_name": 80, "city": 100, "phone": 30, "organisation": 200, "role_title": 200}
TRUE_WORDS, FALSE_WORDS = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
CATEGORY_BY_LABEL = {c.label.lower(): c.code for c in CATEGORIES.values()}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # every field is one line
IMPORT_CONSENT_WORDING = "Consent to e-mail updates carried over from an earlier member list ({source})."


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not UTF-8, not CSV, no e-mail column...)."""


@dataclass
class RowResult:
    line: int                        # line number in the file, counting the heading as line 1
    outcome: str                     # "new", "existing" or "error"
    email: str = ""
    name: str = ""
    messages: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    member_id: int | None = None


@dataclass
class ImportReport:
    rows: list[RowResult]
    ignored_columns: list[str]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    def summary(self) -> dict:
        return {"new": self.count("new"), "existing": self.count("existing"), "errors": self.count("error"),
                "rows": len(self.rows)}


def decode(data: bytes) -> str:
    """The file's text; Excel's BOM is dropped, anything not UTF-8 is refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError("The file is not UTF-8 text. "
                              "In Excel, save it as “CSV UTF-8 (comma delimited)”.") from exc


def heading_key(heading: str) -> str:
    """A column heading as the import compares it: lower case, without spaces, dashes or underscores."""
    return re.sub(r"[\s_\-]", "", heading.strip().lower())


def _unneutralise(value: str) -> str:
    """Undo the quote our own exports put before formula-like cells, so exports import cleanly."""
    if value.startswith("'") and value[1:2] and value[1:2] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def check_rows(text: str) -> ImportReport:
    """Read and check every row; look up existing members in batches (no writes)."""
    if "\x00" in text:
        raise ImportFileError("The file contains NUL bytes; it is probably not a CSV file.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headings = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty.") from None
    except csv.Error as exc:
        raise ImportFileError(f"The file could not be read as CSV: {exc}.") from exc
    columns: dict[str, int] = {}
    ignored = []
    for index, heading in enumerate(headings):
        key = next((name for name, words in HEADINGS.items() if heading_key(heading) in words), None)
        if key and key not in columns:
            columns[key] = index
        elif heading.strip():
            ignored.append(heading.strip())
    missing = [name for name in ("email", "first_name", "last_name") if name not in columns]
    if missing:
        raise ImportFileError("The first line must name the columns; missing: "
                              + ", ".join(m.replace("_", " ") for m in missing) + ".")
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            raw = {name: _unneutralise(cells[index].strip()) if index < len(cells) else ""
                   for name, index in columns.items()}
            rows.append(_check_row(reader.line_num, raw))
    except csv.Error as exc:
        raise ImportFileError(f"Line {reader.line_num} could not be read as CSV: {exc}.") from exc
    _mark_duplicates_and_existing(rows)
    return ImportReport(rows=rows, ignored_columns=ignored)


def _check_row(line: int, raw: dict) -> RowResult:
    result = RowResult(line=line, outcome="new", name=f"{raw.get('first_name', '')} {raw.get('last_name', '')}".strip())
    problems = result.messages
    for name, value in raw.items():
        if _CONTROL.search(value):
            problems.append(f"{name.replace('_', ' ').capitalize()} contains line breaks or control characters.")
            raw[name] = ""
    for name in REQUIRED:
        if not raw.get(name):
            problems.append(f"{name.replace('_', ' ').capitalize()} is missing.")
    for name, limit in LIMITS.items():
        if len(raw.get(name, "")) > limit:
            problems.append(f"{name.replace('_', ' ').capitalize()} is longer than {limit} characters.")
    fields = {name: raw.get(name) or None for name in ("first_name", "last_name", "city", "phone",
                                                        "organisation", "role_title")}
    if raw.get("email"):
        try:
            result.email = fields["email"] = normalise_email(raw["email"])
        except EmailNotValidError as exc:
            problems.append(f"“{raw['email'][:80]}” is not a valid e-mail address ({exc}).")
    fields["state"] = _state(raw.get("state", ""), problems)
    fields["zip_code"] = _zip(raw.get("zip_code", ""), problems)
    fields["category"] = _category(raw.get("category", ""), problems)
    fields["years_of_service"] = _years(raw.get("years_of_service", ""), problems)
    fields["email_updates"] = _yes_no(raw.get("email_updates", ""), problems)
    if problems:
        result.outcome = "error"
    result.fields = fields
    return result


def _state(value: str, problems: list[str]) -> str | None:
    if not value:
        return None
    code = state_code(value)
    if code is None:
        problems.append(f"“{value[:40]}” is not a US state or territory.")
    return code


def _zip(value: str, problems: list[str]) -> str | None:
    if not value:
        return None
    code = zip_code(value)
    if code is None:
        problems.append(f"“{value[:20]}” is not a ZIP code (5 digits, or ZIP+4).")
    return code


def _category(value: str, problems: list[str]) -> str:
    if not value:
        return "citizen"
    code = value if value in CATEGORIES else CATEGORY_BY_LABEL.get(value.lower())
    if code is None:
        problems.append(f"“{value[:60]}” is not a membership category.")
        return "citizen"
    return code


def _years(value: str, problems: list[str]) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not 0 <= int(value) <= 70:
        problems.append("Years of service must be a whole number from 0 to 70.")
        return None
    return int(value)


def _yes_no(value: str, problems: list[str]) -> bool:
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() not in FALSE_WORDS:
        problems.append(f"E-mail updates must be yes or no, not “{value[:20]}”.")
    return False


def _mark_duplicates_and_existing(rows: list[RowResult]) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        if not row.email:
            continue
        if row.email in first_line:
            row.outcome = "error"
            row.messages.append(f"The same e-mail address is already on line {first_line[row.email]}.")
        else:
            first_line[row.email] = row.line
    emails = list(first_line)
    existing: dict[str, int] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start:start + 500]
        existing.update(db.session.execute(select(Member.email, Member.id).where(Member.email.in_(chunk))).all())
    for row in rows:
        if row.outcome == "new" and row.email in existing:
            row.outcome, row.member_id = "existing", existing[row.email]
            row.messages.append("Already a member: left unchanged.")


def save_upload(filename: str, text: str) -> MemberImport:
    """Keep an uploaded file so its dry-run report can be applied later."""
    actor_id, actor_label = current_actor()
    upload = MemberImport(filename=(filename or "members.csv")[:255], content=text,
                          uploaded_by_id=actor_id, uploaded_by_label=actor_label)
    db.session.add(upload)
    db.session.flush()
    return upload


class AlreadyApplied(ValueError):
    """This upload was imported before."""


def apply_import(upload: MemberImport) -> ImportReport:
    """Add the new members of a checked file, once; rows with errors and existing members are skipped."""
    claimed = rows_changed(update(MemberImport).where(MemberImport.id == upload.id,
                                                            MemberImport.applied_at.is_(None))
                                 .values(applied_at=utcnow(), applied_by_label=current_actor()[1])
                                 .execution_options(synchronize_session=False))
    if claimed != 1:
        raise AlreadyApplied("This file was imported already; nothing was added again.")
    report = check_rows(upload.content)
    source = f"import #{upload.id}: {upload.filename}"
    added = [(row, _new_member(row.fields, source)) for row in report.rows if row.outcome == "new"]
    try:
        with db.session.begin_nested(), search.bulk_insert():
            db.session.add_all(member for _, member in added)
            db.session.flush()
    except IntegrityError as exc:  # someone joined with one of these addresses a moment ago
        raise ImportFileError("Someone joined with one of these e-mail addresses while the file was being "
                              "imported. Nothing was added; check the file again.") from exc
    for row, member in added:
        row.member_id = member.id
    upload.result = report.summary()
    record_event("import", f"Imported {report.count('new')} new members from {upload.filename} "
                 f"({report.count('existing')} already members, {report.count('error')} rows with errors skipped)",
                 details={"import_id": upload.id, **report.summary()}, row_count=report.count("new"))
    return report


def _new_member(fields: dict, source: str) -> Member:
    category = CATEGORIES[fields["category"]]
    member = Member(
        email=fields["email"], password_hash=None, first_name=fields["first_name"], last_name=fields["last_name"],
        city=fields["city"], state=fields["state"], zip_code=fields["zip_code"], phone=fields["phone"],
        category=category.code, organisation=fields["organisation"] if category.professional else None,
        role_title=fields["role_title"] if category.professional else None,
        years_of_service=fields["years_of_service"] if category.professional else None,
        email_updates=fields["email_updates"],
        verification=Verification.PENDING if category.professional else Verification.NOT_APPLICABLE)
    if fields["email_updates"]:
        member.consents.append(Consent(kind="email_updates", granted=True, source=source[:200],
                                       wording=IMPORT_CONSENT_WORDING.format(source=source)))
    return member
