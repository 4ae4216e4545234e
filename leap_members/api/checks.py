"""Checking a JSON body field by field: each problem is a 400 that names the field, never a 500.

``where`` is the field's place in the body as a client would write it, e.g. ``person.email_addresses[0]``.
``null`` reads as "not given".
"""
from collections.abc import Callable

from flask import abort

from ..core.forms import clean_line, clean_text

MAX_ITEMS = 100   # entries of one array


def one_line(value: object, where: str, limit: int) -> str | None:
    """A string without control characters (PostgreSQL refuses NUL), stripped, at most ``limit`` long."""
    return _text(value, where, limit, clean_line, "such as a NUL byte or a line break",
                 "{where} is longer than {limit} characters.")


def text(value: object, where: str, limit: int) -> str | None:
    """Like one_line, but line breaks and tabs are kept (a comment, a letter)."""
    return _text(value, where, limit, clean_text, "such as a NUL byte",
                 "{where} is too long: at most {limit:,} characters (it has {length:,}).")


def _text(value: object, where: str, limit: int, clean: Callable[[str], str], examples: str,
          too_long: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        abort(400, f"{where} must be a string.")
    try:
        cleaned = clean(value)
    except ValueError:
        abort(400, f"{where} contains a control character ({examples}): remove the control characters.")
    if len(cleaned) > limit:
        abort(400, too_long.format(where=where, limit=limit, length=len(cleaned)))
    return cleaned


def true_or_false(value: object, where: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        abort(400, f"{where} must be true or false.")
    return value


def array(value: object, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        abort(400, f"{where} must be an array.")
    if len(value) > MAX_ITEMS:
        abort(400, f"{where} has more than {MAX_ITEMS} entries.")
    return value


def json_object(value: object, where: str) -> dict:
    if not isinstance(value, dict):
        abort(400, f"{where} must be an object.")
    return value


def only_fields(given: dict, prefix: str, known: tuple[str, ...]) -> None:
    """Refuse the first field not in ``known``; ``prefix`` is where ``given`` sits, e.g. "person."."""
    unknown = next((name for name in given if name not in known), None)
    if unknown is not None:
        abort(400, f"Unknown field: {prefix}{unknown[:60]}.")


def has_control_character(value: str) -> bool:
    try:
        clean_line(value)
    except ValueError:
        return True
    return False
