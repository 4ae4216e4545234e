"""Collections: pages of 25 (at most 100) in a stable order, walked by keyset through ``next``.

Every collection is ordered by when its records last changed, then by id, so a page never skips
or repeats a record. ``next`` carries the last record's place (``after``), so walking every page
reads each from the index where the last one ended instead of counting past all before it
(OFFSET); a client that asks for ``page=N`` itself still gets page N.
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil
from typing import Any
from urllib.parse import urlencode

from flask import abort, request
from sqlalchemy import ColumnElement, func, select, tuple_

from ..extensions import db
from .hal import href, respond
from .odata import BadFilter, Filterable, parse

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
EPOCH = datetime(1970, 1, 1)
LARGEST_ID = 2**63 - 1   # ids are 64-bit integers in both databases: a larger one names no record
CURIES = [{"name": "osdi", "href": "https://opensupporter.github.io/osdi-docs/{rel}", "templated": True}]


@dataclass(frozen=True)
class Listing:
    """What a collection lists and how its records read."""
    name: str                                     # "people": the osdi:people of _embedded and _links
    model: Any                                    # the model class, with an id column
    modified: Any                                 # the column of modified_date, e.g. Member.updated_at
    represent: Callable[[Sequence], list[dict]]   # records -> their JSON, a page at a time
    filters: dict[str, Filterable] = field(default_factory=dict)
    tie: Any = None                               # the column after modified in the order: model.id if None


def whole_number(name: str, default: int, low: int = 1) -> int:
    text = request.args.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        abort(400, f"{name} must be a whole number, not {text[:40]!r}.")
    if value < low:
        abort(400, f"{name} must be {low} or more.")
    return value


def page_size() -> int:
    """per_page: 25 when not given; larger than 100 is read as 100, not refused."""
    return min(whole_number("per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)


def _cursor() -> tuple[datetime, int] | None:
    text = request.args.get("after")
    if not text:
        return None
    micros, _, record_id = text.partition("_")
    try:
        moment, number = EPOCH + timedelta(microseconds=int(micros)), int(record_id)
    except (ValueError, OverflowError):
        moment, number = EPOCH, -1
    if not 0 <= number <= LARGEST_ID:
        abort(400, "after is not a place this API gave in a next link; start again from the first page.")
    return moment, number


def _cursor_text(moment: datetime, record_id: int) -> str:
    return f"{(moment - EPOCH) // timedelta(microseconds=1)}_{record_id}"


def filter_clauses(listing: Listing) -> list[ColumnElement]:
    text = request.args.get("filter")
    if not text:
        return []
    if not listing.filters:
        abort(400, f"The {listing.name} collection cannot be filtered.")
    try:
        return parse(text, listing.filters)
    except BadFilter as error:
        abort(400, str(error))


def collection(listing: Listing, *path: str, where: Sequence[ColumnElement] = ()):
    """The page the request asks for, of the records of ``listing`` that match ``where`` and its filter."""
    model, modified = listing.model, listing.modified
    tie = model.id if listing.tie is None else listing.tie
    matching = [*where, *filter_clauses(listing)]
    page, per_page, after = whole_number("page", 1), page_size(), _cursor()
    total = db.session.scalar(select(func.count()).select_from(model).where(*matching)) or 0
    query = select(model).where(*matching).order_by(modified, tie).limit(per_page)
    if after is not None:
        # A row comparison, which both databases read as a range of the (modified, tie) index; the same
        # condition spelt with OR makes SQLite scan the index from its start (OFFSET's cost again).
        query = query.where(tuple_(modified, tie) > tuple_(after[0], after[1]))
    else:
        query = query.offset((page - 1) * per_page)
    # A page past the end is empty without asking: its OFFSET may be past what the database counts to.
    past_the_end = after is None and (page - 1) * per_page >= total
    records = [] if past_the_end else db.session.scalars(query).all()
    items = listing.represent(records)
    pages = max(1, ceil(total / per_page))
    key = f"osdi:{listing.name}"
    links: dict = {"self": {"href": _page_href(path, page, per_page, request.args.get("after"))},
                   key: [item["_links"]["self"] for item in items], "curies": CURIES}
    if page < pages and records:
        last = records[-1]
        links["next"] = {"href": _page_href(path, page + 1, per_page,
                                            _cursor_text(getattr(last, modified.key), getattr(last, tie.key)))}
    if page > 1:
        links["previous"] = {"href": _page_href(path, page - 1, per_page, None)}
    body = {"total_pages": pages, "per_page": per_page, "page": page, "total_records": total,
            "_links": links, "_embedded": {key: items}}
    return respond(body)


def _page_href(path: tuple[str, ...], page: int, per_page: int, after: str | None) -> str:
    query: dict[str, str | int] = {"page": page, "per_page": per_page}
    if request.args.get("filter"):
        query["filter"] = request.args["filter"]
    if after:
        query["after"] = after
    return f"{href(*path)}?{urlencode(query)}"
