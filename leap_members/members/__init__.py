"""Member accounts: joining, confirming, logging in, profile."""
from flask import Blueprint, Flask

bp = Blueprint("members", __name__)

from . import login, search, views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from .cli import create_admin_command, seed_demo_command

    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
