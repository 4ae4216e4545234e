"""Finding the record a path or a link names."""
from urllib.parse import urlsplit

from flask import abort
from sqlalchemy import select

from ..extensions import db
from ..members.models import Member, MembershipStatus


def find(model, uuid: str, noun: str, *where):
    """The record of ``model`` with this uuid (and ``where``), or a 404 in Action Network's words."""
    # No uuid is longer, and PostgreSQL refuses a NUL byte (it may come in a link's href).
    plausible = len(uuid) <= 36 and "\x00" not in uuid
    record = db.session.scalar(select(model).where(model.uuid == uuid, *where)) if plausible else None
    if record is None:
        abort(404, f"Couldn't find {noun} with id = {uuid}")
    return record


def find_person(uuid: str) -> Member:
    """A person the API may show: merged records are empty shells and are not."""
    return find(Member, uuid, "person", Member.status != MembershipStatus.MERGED)


def id_from_href(value: object, what: str) -> str:
    """The last path segment of a link's href, whatever host it names: clients build hrefs from
    their own base URL."""
    href = value.get("href") if isinstance(value, dict) else None
    if not isinstance(href, str) or not href.strip():
        abort(400, f"{what} must be an object with an href, e.g. {{\"href\": \".../api/v2/people/<id>\"}}.")
    segment = urlsplit(href.strip()).path.rstrip("/").rpartition("/")[2]
    if not segment:
        abort(400, f"The href of {what} names no record.")
    return segment


def person_from_link(links: object) -> Member:
    """The person an ``osdi:person`` link names."""
    if not isinstance(links, dict) or "osdi:person" not in links:
        abort(400, "Name the person with _links: {\"osdi:person\": {\"href\": \".../people/<id>\"}}.")
    return find_person(id_from_href(links["osdi:person"], "_links.osdi:person"))
