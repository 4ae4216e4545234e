"""Each action's ``taking_part`` count, kept in step with its sign-ups in the same transaction.

The count is what the action list and a petition's page show: sign-ups in a status that
counts (SignupStatus.COUNTED) by members with a confirmed e-mail. Reading it is one column
instead of a count over every sign-up. Every flush works out how the counts change, from the
sign-ups it adds, changes or deletes and the members whose confirmation it changes, and adds
that to the actions' rows before the transaction commits.
"""
from collections import Counter
from typing import cast

from sqlalchemy import Table, event, func, inspect, select, update
from sqlalchemy.orm import InstanceState, Session

from ..extensions import db
from ..members.models import Member
from .models import Action, ActionSignup, SignupStatus

_PENDING = "advocacy_taking_part_changes"


def counted_signups():
    """The sign-ups the count is made of, as a query of (action id, number)."""
    return (select(ActionSignup.action_id, func.count().label("n"))
            .join(Member, Member.id == ActionSignup.member_id)
            .where(ActionSignup.status.in_(SignupStatus.COUNTED), Member.email_confirmed_at.is_not(None))
            .group_by(ActionSignup.action_id))


def recount() -> None:
    """Set every action's ``taking_part`` from the sign-ups themselves (the bench's bulk-inserted data)."""
    counted = counted_signups().subquery()
    number = select(counted.c.n).where(counted.c.action_id == Action.id).scalar_subquery()
    db.session.execute(update(Action).values(taking_part=func.coalesce(number, 0), updated_at=Action.updated_at)
                       .execution_options(synchronize_session=False))
    db.session.expire_all()


def _before_and_after(state, name: str):
    """An attribute's value as the database has it and as this flush will leave it."""
    history = state.attrs[name].history
    after = getattr(state.obj(), name)
    return (history.deleted[0] if history.deleted else after), after


def _confirmed(session: Session, member_id: int | None, member: Member | None = None) -> tuple[bool, bool]:
    """Whether the member's e-mail is confirmed before and after this flush."""
    member = member if member is not None else session.get(Member, member_id) if member_id else None
    if member is None:
        return False, False
    state: InstanceState = inspect(member)
    if state.pending:
        return False, member.email_confirmed_at is not None
    before, after = _before_and_after(state, "email_confirmed_at")
    return before is not None, after is not None


def _signup_change(session: Session, signup: ActionSignup, deleted: bool) -> tuple[int | None, int]:
    """(action id, +1 / -1 / 0) for one sign-up added, changed or deleted by this flush."""
    state: InstanceState = inspect(signup)
    action_id = signup.action_id if signup.action_id is not None else (signup.action.id if signup.action else None)
    if state.pending:
        _, now = _confirmed(session, signup.member_id, signup.member)
        return action_id, int(now and signup.status in SignupStatus.COUNTED)
    old_status, new_status = _before_and_after(state, "status")
    old_member, new_member = _before_and_after(state, "member_id")
    was = old_status in SignupStatus.COUNTED and _confirmed(session, old_member)[0]
    if deleted:
        return action_id, -int(was)
    now = new_status in SignupStatus.COUNTED and _confirmed(session, new_member)[1]
    return action_id, int(now) - int(was)


@event.listens_for(Session, "before_flush")
def _work_out_changes(session: Session, flush_context, instances) -> None:
    changes: Counter = Counter()
    seen: set[int] = set()
    for signups, deleted in ((session.new, False), (session.dirty, False), (session.deleted, True)):
        for signup in signups:
            if isinstance(signup, ActionSignup):
                if signup.id is not None:
                    seen.add(signup.id)
                action_id, change = _signup_change(session, signup, deleted)
                if change:
                    changes[action_id] += change
    for member in session.dirty:
        if isinstance(member, Member) and not inspect(member).pending:
            was, now = _confirmed(session, None, member)
            if was != now:
                for (action_id,) in session.execute(
                        select(ActionSignup.action_id).where(ActionSignup.member_id == member.id,
                                                             ActionSignup.status.in_(SignupStatus.COUNTED),
                                                             ActionSignup.id.not_in(seen))):
                    changes[action_id] += 1 if now else -1
    session.info[_PENDING] = changes  # a flush that fails never applies its changes


@event.listens_for(Session, "after_flush_postexec")
def _apply_changes(session: Session, flush_context) -> None:
    changes = session.info.pop(_PENDING, None)
    if not changes:
        return
    connection, actions = session.connection(), cast(Table, Action.__table__)
    for action_id in sorted(action_id for action_id, change in changes.items() if change):
        # A count is not an edit of the action: updated_at stays as staff left it.
        connection.execute(update(actions).where(actions.c.id == action_id).values(
            taking_part=actions.c.taking_part + changes[action_id], updated_at=actions.c.updated_at))
        action = session.identity_map.get(session.identity_key(Action, action_id))
        if action is not None:
            session.expire(action, ["taking_part"])
