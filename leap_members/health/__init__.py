"""/healthz and /readyz: for the load balancer and monitoring, JSON, no secrets, cheap."""
from flask import Blueprint

bp = Blueprint("health", __name__)

from . import views  # noqa: E402,F401
