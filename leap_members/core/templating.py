"""Values every template can use."""
from datetime import datetime, timezone

from flask import Flask, has_request_context, request


def remembered_url_for(app: Flask):
    """Templates' url_for, remembering the links that have no changing parts.

    Every page builds the same dozen navigation links (and its stylesheet and script links); a
    link of an endpoint alone, or of a static file, is built once per worker and site root.
    Anything else (values such as a member id, ``_external``, blueprint-relative names, building
    outside a request, an app with URL defaults) is built each time by Flask's url_for.
    """
    build = app.url_for
    built: dict[tuple, str] = {}

    def url_for(endpoint: str, **values) -> str:
        plain = not values or (endpoint == "static" and values.keys() == {"filename"})
        if not plain or endpoint.startswith(".") or not has_request_context() or app.url_default_functions:
            return build(endpoint, **values)
        key = (request.script_root, endpoint, values.get("filename"))
        url = built.get(key)
        if url is None:
            url = built[key] = build(endpoint, **values)
        return url

    return url_for


def register(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = remembered_url_for(app)

    @app.context_processor
    def inject_globals():
        return {
            "org_name": app.config["ORG_NAME"],
            "dev_inbox_enabled": app.config["DEV_INBOX"],
            "current_year": datetime.now(timezone.utc).year,
            "has_endpoint": lambda name: name in app.view_functions,
        }

    @app.template_filter("money")
    def money(cents: int | None, currency: str = "usd") -> str:
        if cents is None:
            return ""
        symbol = "$" if currency.lower() == "usd" else currency.upper() + " "
        return f"{symbol}{cents / 100:,.2f}"

    @app.template_filter("date")
    def format_date(value) -> str:
        return value.strftime("%B %-d, %Y") if value else ""

    @app.template_filter("datetime")
    def format_datetime(value) -> str:
        return value.strftime("%B %-d, %Y %H:%M UTC") if value else ""
