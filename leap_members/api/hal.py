"""HAL+JSON as OSDI writes it: links, identifiers, dates, and the response itself."""
import json
from datetime import datetime

from flask import abort, current_app, request

HAL = "application/hal+json"
OSDI_DOCS = "https://opensupporter.github.io/osdi-docs/{rel}"
OUR_SYSTEM = "leap_members"


def api_root() -> str:
    """The API's address on the public site: hrefs never take the request's Host."""
    return current_app.config["PUBLIC_URL"] + "/api/v2"


def href(*parts: str) -> str:
    return "/".join((api_root(), *parts))


def link(*parts: str) -> dict:
    return {"href": href(*parts)}


def identifiers(uuid: str) -> list[str]:
    """``leap_members:<uuid>``, and the same uuid under API_EXTRA_ID_SYSTEM for tools that look
    only for their own system's prefix (e.g. ``action_network``)."""
    found = [f"{OUR_SYSTEM}:{uuid}"]
    extra = current_app.config["API_EXTRA_ID_SYSTEM"]
    if extra and extra != OUR_SYSTEM:
        found.append(f"{extra}:{uuid}")
    return found


def iso(moment: datetime | None) -> str | None:
    """UTC, ISO 8601 with milliseconds and ``Z``."""
    if moment is None:
        return None
    return moment.isoformat(timespec="milliseconds") + "Z"   # a third of strftime's time, and years < 1000 padded


def dates(record, created: str = "created_at", modified: str = "updated_at") -> dict:
    return {"created_date": iso(getattr(record, created)), "modified_date": iso(getattr(record, modified))}


def respond(body: dict, status: int = 200, headers: dict | None = None):
    response = current_app.response_class(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                                          status=status, mimetype=HAL)
    response.headers.update(headers or {})
    return response


def json_body() -> dict:
    """The request's JSON object; a body that is not one is a 400 that says so."""
    if not request.data:
        abort(400, "Send a JSON object as the request body.")
    try:
        body = json.loads(request.data)
    except (ValueError, UnicodeDecodeError, RecursionError):   # RecursionError: arrays nested thousands deep
        abort(400, "The request body is not valid JSON.")
    if not isinstance(body, dict):
        abort(400, "The request body must be a JSON object.")
    return body
