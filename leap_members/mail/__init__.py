"""E-mail: an outbox written with the change that caused it, a sender, a development inbox."""
from flask import Blueprint, Flask

bp = Blueprint("mail", __name__, url_prefix="/dev/mail")

from . import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from .cli import send_mail_command

    app.cli.add_command(send_mail_command)
