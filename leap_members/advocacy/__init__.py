"""The members' advocacy action centre: petitions, letters to officials, events, offers to speak."""
from flask import Blueprint, Flask

bp = Blueprint("advocacy", __name__)

from ..core.signals import member_email_changed, member_joined  # noqa: E402
from . import checkin_views, contributions, staff_views, tally, views  # noqa: E402,F401
from .checkin import link_guests  # noqa: E402
from .cli import seed_demo_actions_command, send_event_reminders_command  # noqa: E402
from .times import format_local  # noqa: E402


def init_app(app: Flask) -> None:
    app.cli.add_command(send_event_reminders_command)
    app.cli.add_command(seed_demo_actions_command)
    app.add_template_filter(format_local, "advocacy_local")
    # A guest at an event who joins later (or takes the guest's address) finds the visit on their record.
    member_joined.connect(link_guests)
    member_email_changed.connect(link_guests)
