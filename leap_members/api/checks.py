"""Checking a JSON body field by field: each problem is a 400 that names the field, never a 500.

``where`` is the field's place in the body as a client would write it, e.g. ``person.email_addresses[0]``.
``null`` reads as "not given".
"""
import re

from flask import abort

MAX_ITEMS = 100   # entries of one array
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(value: object, where: str, limit: int) -> str | None:
    """A string without control characters (PostgreSQL refuses NUL), stripped, at most ``limit`` long."""
    if value is None:
        return None
    if not isinstance(value, str):
        abort(400, f"{where} must be a string.")
    if _CONTROL.search(value):
        abort(400, f"{where} contains a control character (such as a NUL byte or a line break).")
    text = value.strip()
    if len(text) > limit:
        abort(400, f"{where} is longer than {limit} characters.")
    return text


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


def has_control_character(text: str) -> bool:
    return bool(_CONTROL.search(text))
