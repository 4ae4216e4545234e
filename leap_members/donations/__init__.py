"""Donations through Stripe Checkout: one-time and monthly gifts, webhooks, receipts, statements."""
from flask import Blueprint, Flask

bp = Blueprint("donations", __name__)

from . import (  # noqa: E402,F401
    contributions,  # noqa: E402,F401  (registers timeline, merge, flag and dashboard panel)
    member_views,
    staff_views,
    views,
    webhooks,
)


def init_app(app: Flask) -> None:
    from .cli import apply_stripe_events_command, reconcile_stripe_command, send_annual_statements_command
    from .customers import connect_signals
    from .settings import init_settings

    init_settings(app)
    connect_signals()
    app.cli.add_command(apply_stripe_events_command)
    app.cli.add_command(send_annual_statements_command)
    app.cli.add_command(reconcile_stripe_command)
