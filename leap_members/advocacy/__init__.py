"""The members' advocacy action centre: petitions, letters to officials, events, offers to speak."""
from flask import Blueprint, Flask

bp = Blueprint("advocacy", __name__)

from . import contributions, staff_views, tally, views  # noqa: E402,F401
from .cli import seed_demo_actions_command, send_event_reminders_command  # noqa: E402
from .times import format_local  # noqa: E402


def init_app(app: Flask) -> None:
    app.cli.add_command(send_event_reminders_command)
    app.cli.add_command(seed_demo_actions_command)
    app.add_template_filter(format_local, "advocacy_local")
