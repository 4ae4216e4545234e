"""What /readyz reports: the database, its migrations, the rate-limit storage and the two queues."""
from datetime import datetime
from functools import cache

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..core.ratelimit import storage_state
from ..core.timeutil import utcnow
from ..donations.models import EventOutcome, StripeEvent
from ..extensions import db
from ..mail.models import OutboxMessage


@cache
def migration_head(directory: str) -> str | None:
    """The newest migration shipped with the code (read from disk once per process)."""
    return ScriptDirectory(directory).get_current_head()


def database() -> dict:
    """Whether the database answers, and whether its schema is at the code's newest migration."""
    head = migration_head(current_app.extensions["migrate"].directory)
    try:
        db.session.execute(text("SELECT 1"))
        try:
            current = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        except SQLAlchemyError:   # never migrated (a schema made by create_all)
            db.session.rollback()
            current = None
        queues = {"outbox": _queue(OutboxMessage.created_at, OutboxMessage.sent_at.is_(None),
                                   OutboxMessage.failed_at.is_(None)),
                  "stripe_events": _queue(StripeEvent.received_at, StripeEvent.outcome == EventOutcome.QUEUED)}
    except SQLAlchemyError as exc:
        db.session.rollback()
        return {"database": {"ok": False, "error": type(exc).__name__}}   # the class only: no addresses
    return {"database": {"ok": True},
            "migrations": {"ok": current == head, "current": current, "expected": head},
            "queues": queues}


def _queue(since, *waiting) -> dict:
    """How many rows wait, and how long the oldest has waited (seconds)."""
    count, oldest = db.session.execute(select(func.count(), func.min(since)).where(*waiting)).one()
    return {"waiting": count, "oldest_seconds": _age(oldest)}


def _age(moment: datetime | None) -> int | None:
    return None if moment is None else max(0, int((utcnow() - moment).total_seconds()))


def rate_limits() -> dict:
    """Where the rate limits are counted; unreachable storage degrades, it does not fail readiness."""
    return {"rate_limits": {"storage": storage_state()}}
