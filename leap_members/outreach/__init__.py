"""Reaching members: tags, saved segments, e-mail topics and the preference centre, bulk messages
with one-click unsubscribe, and bounce and complaint handling."""
from flask import Blueprint, Flask

bp = Blueprint("outreach", __name__)

from . import hooks, public_views, staff_views, webhooks  # noqa: E402,F401  (hooks registers the tag panel, timeline and merge step)


def init_app(app: Flask) -> None:
    from .cli import process_bounces_command

    app.cli.add_command(process_bounces_command)
