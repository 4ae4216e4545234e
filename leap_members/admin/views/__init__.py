"""Staff console pages; every view is guarded by staff_required or admin_required."""
from flask import abort

from ...extensions import db
from ..filters import MAX_ID, BadFilter, DirectoryQuery, parse_query


def parse_id(text: str | None) -> int | None:
    """A row id from text, or None if it is not a plausible id."""
    text = (text or "").strip().lstrip("#")
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def found_or_404(model, ident: int):
    """The row with this id, or a 404 page (also for ids too large to exist)."""
    if not 0 < ident <= MAX_ID:
        abort(404)
    return db.get_or_404(model, ident)


def read_query(args, ignore: tuple[str, ...] = ()) -> DirectoryQuery:
    """Directory filters from a request, or a 400 page that says what was wrong."""
    try:
        return parse_query(args, ignore)
    except BadFilter as exc:
        abort(400, str(exc))


from . import audit, dashboard, directory, exports, impact, imports, members, team, verification  # noqa: E402,F401
