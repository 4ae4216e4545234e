"""Rate limits named in the configuration, applied to POSTs."""
from flask import current_app

from ..extensions import limiter


def post_limit(config_key: str):
    """Limit POSTs to the view by the rate in ``config[config_key]`` (e.g. "10 per minute")."""
    return limiter.limit(lambda: current_app.config[config_key], methods=["POST"])
