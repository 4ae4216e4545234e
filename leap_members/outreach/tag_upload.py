"""Tagging the members on a list of e-mail addresses (a CSV file), all or nothing.

The whole file is read and checked before anything is written, so a file that cannot be read
changes nothing; the members it names are then tagged in one change (tags.add_tag).
"""
import csv
import io
from dataclasses import dataclass

from email_validator import EmailNotValidError
from sqlalchemy import select

from ..admin.imports import HEADINGS, ImportFileError, decode, heading_key
from ..extensions import db
from ..members.forms import normalise_email
from ..members.models import Member
from .models import Tag
from .tags import add_tag

MAX_ADDRESSES = 10_000   # one statement each for the look-up and the tagging


@dataclass
class UploadReport:
    tag_name: str
    tagged: int
    already: int                 # members who had the tag before
    unknown: list[str]           # addresses of nobody here
    not_addresses: list[str]     # "line 7: Pat Doe": cells that are not e-mail addresses


def read_addresses(data: bytes) -> tuple[list[str], list[str]]:
    """The file's addresses, normalised and each once, and the cells that are not addresses.

    ImportFileError says why a file cannot be used: not UTF-8, not CSV, no address column, too long.
    """
    text = decode(data)
    if "\x00" in text:
        raise ImportFileError("The file contains NUL bytes; it is probably not a CSV file.")
    rows = _rows(text)
    column, rows = _address_column(rows)
    addresses: dict[str, None] = {}
    not_addresses = []
    for line, cells in rows:
        cell = cells[column].strip() if column < len(cells) else ""
        if not cell:
            continue
        try:
            addresses[normalise_email(cell)] = None
        except EmailNotValidError:
            not_addresses.append(f"line {line}: {cell[:80]}")
    if not addresses:
        raise ImportFileError("No e-mail addresses were found in the file.")
    if len(addresses) > MAX_ADDRESSES:
        raise ImportFileError(f"The file has {len(addresses):,} addresses; upload at most {MAX_ADDRESSES:,} at a "
                              "time (split the file).")
    return list(addresses), not_addresses


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every row with something in it."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ImportFileError(f"Line {reader.line_num} could not be read as CSV: {exc}.") from exc
    if not rows:
        raise ImportFileError("The file is empty.")
    return rows


def _address_column(rows: list[tuple[int, list[str]]]) -> tuple[int, list[tuple[int, list[str]]]]:
    """Which column holds the addresses, and the rows below any heading."""
    headings = rows[0][1]
    for index, heading in enumerate(headings):
        if heading_key(heading) in HEADINGS["email"]:
            return index, rows[1:]
    if not any(cell.strip() for _, cells in rows for cell in cells[1:]):
        # One column: a first line without an @ is its heading.
        return 0, rows if "@" in headings[0] else rows[1:]
    raise ImportFileError("The file has several columns and none is headed “email” or “e-mail”. Head the column "
                          "of addresses “email”, or upload a file with one column.")


def tag_addresses(tag: Tag, addresses: list[str], not_addresses: list[str], by: Member | None,
                  filename: str) -> UploadReport:
    """Tag the members with these addresses; the report says who was tagged, who had it, who is unknown."""
    known = set(db.session.scalars(select(Member.email).where(Member.email.in_(addresses))))
    tagged = add_tag(tag, [Member.email.in_(addresses)], by, f"CSV upload: {filename}") if known else 0
    return UploadReport(tag_name=tag.name, tagged=tagged, already=len(known) - tagged,
                        unknown=[address for address in addresses if address not in known],
                        not_addresses=not_addresses)
