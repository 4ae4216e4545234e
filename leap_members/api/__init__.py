"""The API other tools speak: Action Network's v2 dialect of OSDI, in HAL+JSON, under /api/v2/.

People, tags and taggings, donations, petitions and signatures, events and attendances, letter
campaigns, and the saved segments as lists; keys from the staff console or `flask create-api-key`.
"""
from flask import Blueprint, Flask, current_app, request

from ..extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v2")
csrf.exempt(bp)   # no cookie authenticates the API (auth.py), so there is no session to forge requests with

from . import entry, people  # noqa: E402,F401  (each module adds its routes to bp)
from . import openapi as openapi  # noqa: E402,F401
from .auth import authenticate, rate_limit_key  # noqa: E402

from . import donations  # noqa: E402,F401  # isort: skip
from . import petitions  # noqa: E402,F401  # isort: skip
from . import events  # noqa: E402,F401  # isort: skip
from . import campaigns  # noqa: E402,F401  # isort: skip
from . import lists  # noqa: E402,F401  # isort: skip
from . import people_writes  # noqa: E402,F401  # isort: skip
from . import tags  # noqa: E402,F401  # isort: skip

# Once, on the blueprint (not per app): every request counts against its key.
limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=rate_limit_key)(bp)


@bp.before_request
def check_key():
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "public", False):
        authenticate()


def init_app(app: Flask) -> None:
    from .cli import create_api_key_command, list_api_keys_command, revoke_api_key_command

    for command in (create_api_key_command, list_api_keys_command, revoke_api_key_command):
        app.cli.add_command(command)
