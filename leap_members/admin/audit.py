"""The audit log: who did what, when, to whom."""
import getpass
from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import func, select, update

from ..extensions import db
from .models import AuditEvent

# Actions the log knows, with the words the audit page filters by.
ACTIONS = {
    "export": "Exports",
    "import": "Imports",
    "role": "Role changes",
    "status": "Status changes",
    "verification": "Verification decisions",
    "merge": "Merges",
    "impact": "Impact timeline edits",
    "api": "API writes",
    "api-key": "API keys",
    "webhook": "Webhooks",
    "event-guest": "Event guests at the door",
}
AUDIT_PAGE_SIZE = 50


def describe(member) -> str:
    """How a person is named in the log: name and e-mail address."""
    return f"{member.full_name} <{member.email}>"[:300]


def command_line_actor() -> str:
    """How an operator at the command line is named in the log."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "unknown user"
    return f"command line ({user})"[:300]


def current_actor() -> tuple[int | None, str]:
    """The logged-in staff member, or the command line when there is no request."""
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.id, describe(current_user)
    return None, command_line_actor()


def record_event(action: str, summary: str, *, member_id: int | None = None, details: dict | None = None,
                 row_count: int | None = None, completed: bool = True,
                 actor: tuple[int | None, str] | None = None) -> AuditEvent:
    """Add an audit event to the current transaction."""
    actor_id, actor_label = actor or current_actor()
    event = AuditEvent(action=action, summary=summary[:500], member_id=member_id, details=details or {},
                       row_count=row_count, completed=completed, actor_id=actor_id, actor_label=actor_label)
    db.session.add(event)
    db.session.flush()
    return event


def complete_export(event_id: int, rows: int) -> None:
    """Mark an export finished with the number of rows actually written."""
    db.session.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(row_count=rows, completed=True))


@dataclass
class AuditPage:
    events: list[AuditEvent]
    page: int
    pages: int
    total: int


def audit_page(action: str | None, page: int) -> AuditPage:
    """One page of the log, newest first, optionally for one kind of action."""
    where = [AuditEvent.action == action] if action else []
    total = db.session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    events = db.session.scalars(select(AuditEvent).where(*where)
                                .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
                                .limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE)).all()
    return AuditPage(events=list(events), page=page, pages=pages, total=total)
