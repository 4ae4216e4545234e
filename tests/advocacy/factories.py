"""Actions built straight in the database, for the advocacy tests and the browser tests."""
from datetime import timedelta

from leap_members.advocacy.models import Action, ActionKind, ActionStatus, ActionTarget
from leap_members.core.timeutil import utcnow
from leap_members.extensions import db as _db

DEFAULTS = {
    ActionKind.PETITION: dict(goal=100),
    ActionKind.LETTER: dict(letter_subject="Fund crisis teams",
                            letter_template="Dear legislator,\n\nPlease fund crisis response teams this year."),
    ActionKind.EVENT: dict(capacity=10, online=True, location=None,
                           private_details="Meeting link: https://meet.example.org/secret-room"),
    ActionKind.SPEAKING: dict(),
}


def build_action(kind: str = ActionKind.PETITION, status: str = ActionStatus.PUBLISHED, **fields) -> Action:
    """An action saved in the database, published unless told otherwise."""
    n = _db.session.query(Action).count() + 1
    values = dict(slug=f"{kind}-action-{n}", kind=kind, status=status, title=f"A {kind} action {n}",
                  summary=f"Public summary of {kind} {n}.", description=f"Members-only description of {kind} {n}.",
                  timezone="America/New_York", published_at=utcnow() if status == ActionStatus.PUBLISHED else None)
    values.update(DEFAULTS[kind])
    if kind == ActionKind.EVENT:
        values.setdefault("starts_at", utcnow() + timedelta(days=7))
    targets = fields.pop("targets", None)
    values.update(fields)
    action = Action(**values)
    if kind == ActionKind.LETTER:
        action.targets = [ActionTarget(position=i, **t) for i, t in enumerate(targets if targets is not None else [
            dict(name="Sen. Jordan Ellis", title="Chair, Judiciary", email="ellis@legislature.example"),
            dict(name="Rep. Casey Morgan", title="Chair, Public Safety", email="morgan@legislature.example"),
            dict(name="Governor's office", title=None, office="State Capitol, Room 100"),
        ])]
    _db.session.add(action)
    _db.session.commit()
    return action
