"""Partnership agreements: partners, the contracts LEAP signs with them, their documents and end dates."""
from flask import Blueprint, Flask

bp = Blueprint("partnerships", __name__, url_prefix="/staff/partnerships")

from . import partner_views, views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from .digest import send_agreement_digest_command

    app.cli.add_command(send_agreement_digest_command)
