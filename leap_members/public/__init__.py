"""The public site: home, about/FAQ, impact timeline."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from . import views  # noqa: E402,F401
