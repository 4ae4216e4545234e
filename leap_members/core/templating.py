"""Values every template can use."""
from datetime import datetime, timezone

from flask import Flask


def register(app: Flask) -> None:
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
