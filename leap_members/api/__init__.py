"""The API other tools speak: Action Network's v2 dialect of OSDI, in HAL+JSON, under /api/v2/.

People, tags and taggings, donations, petitions and signatures, events and attendances, letter
campaigns, and the saved segments as lists; keys from the staff console or `flask create-api-key`.
Outgoing webhooks send new people, signatures, attendances and gifts (webhooks*.py).
"""
from flask import Blueprint, Flask, current_app, request

from ..extensions import csrf, limiter

bp: Blueprint = Blueprint("api", __name__, url_prefix="/api/v2")   # annotated: mypy reads it inside an import cycle
csrf.exempt(bp)   # no cookie authenticates the API (auth.py), so there is no session to forge requests with

# Each module adds its routes to bp; webhooks_outbox's session listeners queue webhook deliveries.
from . import (  # noqa: E402,F401
    campaigns,
    donations,
    entry,
    events,
    lists,
    openapi,
    people,
    people_writes,
    petitions,
    tags,
    webhooks_outbox,
)
from .auth import authenticate, rate_limit_key  # noqa: E402
from .staff_views import console  # noqa: E402  (the admins' pages: keys and webhooks)

# Once, on the blueprint (not per app): every request counts against its key.
limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=rate_limit_key)(bp)


@bp.before_request
def check_key():
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "public", False):
        authenticate()


def init_app(app: Flask) -> None:
    from .cli import (
        create_api_key_command,
        deliver_webhooks_command,
        list_api_keys_command,
        revoke_api_key_command,
    )

    app.register_blueprint(console)
    for command in (create_api_key_command, list_api_keys_command, revoke_api_key_command, deliver_webhooks_command):
        app.cli.add_command(command)
