"""E-mail: an outbox written with the change that caused it, a sender, a development inbox."""
from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/dev/mail")

from . import views  # noqa: E402,F401
