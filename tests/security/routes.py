"""Every route of the app, with its URL parameters filled in, for tests that walk them all."""
from werkzeug.routing import AnyConverter, FloatConverter, IntegerConverter, Rule, UUIDConverter


def dummy_value(converter):
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, FloatConverter):
        return 1.0
    if isinstance(converter, UUIDConverter):
        return "00000000-0000-0000-0000-000000000001"
    return "x"


def route_url(rule: Rule, values: dict | None = None) -> str:
    """The rule's URL with each parameter taken from ``values`` or a dummy of the right type."""
    values = values or {}
    arguments = {}
    for name in rule.arguments:
        arguments[name] = values[name] if name in values else dummy_value(rule._converters[name])
    return rule.build(arguments, append_unknown=False)[1]


def get_rules(app) -> list[Rule]:
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint != "static"), key=lambda r: r.rule)


def post_rules(app) -> list[Rule]:
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods), key=lambda r: r.rule)
