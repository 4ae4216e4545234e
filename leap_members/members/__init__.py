"""Member accounts: joining, confirming, logging in, profile."""
from flask import Blueprint

bp = Blueprint("members", __name__)

from . import login, views  # noqa: E402,F401
