"""A development inbox: read the outbox in the browser. Absent outside development."""
from flask import abort, current_app, render_template
from sqlalchemy import select

from ..extensions import db
from . import bp
from .models import OutboxMessage


@bp.before_request
def only_in_development():
    if not current_app.config["DEV_INBOX"]:
        abort(404)


@bp.get("/")
def inbox():
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    return render_template("mail/inbox.html", messages=messages)


@bp.get("/<int:message_id>")
def message(message_id: int):
    found = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("mail/message.html", message=found)
