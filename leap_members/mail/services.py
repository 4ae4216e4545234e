"""Queue e-mail in the outbox, inside the caller's transaction."""
from flask import current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import bindparam, select

from ..extensions import db
from .models import OutboxMessage

# Built once: receipts and notices ask it for every message (a new SELECT is built and keyed each time).
_QUEUED_WITH_KEY = select(OutboxMessage.id).where(OutboxMessage.dedupe_key == bindparam("key"))


def queue_email(to: str, subject: str, template: str, kind: str,
                dedupe_key: str | None = None, transactional: bool = True, **context) -> OutboxMessage | None:
    """Add a message rendered from ``templates/email/<template>.txt`` (and ``.html`` if present).

    With a ``dedupe_key`` the message is queued at most once; a second call returns None. Mail that
    is not ``transactional`` (reminders, digests) is skipped when sent if the address is suppressed;
    the caller checks the member's own choices first (outreach/audience.py).
    The caller commits: the message is sent only if the change that caused it is kept.
    """
    if dedupe_key and db.session.scalar(_QUEUED_WITH_KEY, {"key": dedupe_key}):
        return None
    context.setdefault("org_name", current_app.config["ORG_NAME"])
    body_text = render_template(f"email/{template}.txt", **context)
    body_html = _render_optional(f"email/{template}.html", context)
    message = OutboxMessage(to_address=to, subject=subject, body_text=body_text, body_html=body_html,
                            kind=kind, dedupe_key=dedupe_key, transactional=transactional)
    db.session.add(message)
    if dedupe_key:
        db.session.flush()   # a message queued at the same moment elsewhere fails here, not at commit
    return message


def _render_optional(name: str, context: dict) -> str | None:
    # Asking for the one template, not listing them all: a listing walks the whole templates
    # folder on disk, for every e-mail queued.
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return None
    return render_template(name, **context)
