"""Every route of the app, who may open it, and its URL with parameters filled in, for tests that walk them all."""
import re

import pytest
from werkzeug.routing import FloatConverter, IntegerConverter, Rule, UUIDConverter

from leap_members import create_app
from tests.conftest import build_config

ROLES = ("anonymous", "unconfirmed", "member", "other_member", "staff", "admin")
# Who each access mark (core/access.py) lets in.
ALLOWED = {
    None: set(ROLES),
    "login": set(ROLES) - {"anonymous"},
    "member": {"member", "other_member", "staff", "admin"},
    "staff": {"staff", "admin"},
    "admin": {"admin"},
    # Staff, and the member who hosts the record (core/access.host_required): in the world, the owner hosts its event.
    "host": {"member", "staff", "admin"},
    # The API takes only its own keys (OSDI-API-Token): no session, not even an admin's, gets in.
    "api key": set(),
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# An argument in a rule's text: <name> or <converter:name> (the app's converters take no arguments).
ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def converter_of(rule: Rule, name: str) -> type:
    """The converter class of argument ``name``, read from the rule's text and its map's converters."""
    converters = dict((argument, kind or "default") for kind, argument in ARGUMENT.findall(rule.rule))
    return rule.map.converters[converters[name]]


def dummy_value(converter: type):
    if issubclass(converter, IntegerConverter):
        return 1
    if issubclass(converter, FloatConverter):
        return 1.0
    if issubclass(converter, UUIDConverter):
        return "00000000-0000-0000-0000-000000000001"
    return "x"


def route_url(rule: Rule, values: dict | None = None) -> str:
    """The rule's URL with each parameter taken from ``values`` or a dummy of the right type."""
    values = values or {}
    arguments = {}
    for name in rule.arguments:
        arguments[name] = values[name] if name in values else dummy_value(converter_of(rule, name))
    return rule.build(arguments, append_unknown=False)[1]


def get_rules(app) -> list[Rule]:
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint != "static"), key=lambda r: r.rule)


def post_rules(app) -> list[Rule]:
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods), key=lambda r: r.rule)


def _rules() -> list[tuple[str, str, list[str], str | None]]:
    """(rule, endpoint, methods, access mark) of every route but static files."""
    app = create_app(build_config())
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        # A mark other than the four decorators' (e.g. a page with a public summary) counts as public.
        found.append((rule.rule, rule.endpoint, sorted(rule.methods & set(METHODS)),
                      access if access in ALLOWED else None))
    return found


RULES = _rules()
# One pytest parameter per route and method: (rule, endpoint, method, access).
ROUTES = [pytest.param(rule, endpoint, method, access, id=f"{method} {rule}")
          for rule, endpoint, methods, access in RULES for method in methods]


def dummy_url(app, rule_text: str, endpoint: str, fill_int: int = 999_999) -> str:
    """The rule's URL with every integer argument set to ``fill_int`` and other arguments to dummies."""
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text and r.endpoint == endpoint)
    values = {name: fill_int if issubclass(converter_of(rule, name), IntegerConverter) else None
              for name in rule.arguments}
    return route_url(rule, {name: value for name, value in values.items() if value is not None})
