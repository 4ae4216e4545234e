"""The list of open actions, rendered once per change and served from memory between changes.

The list is the same for every member. Each view reads the published actions' ids, edit
times and counts (one small query); while those and the clock's next boundary (an action
closing, or starting to close soon) are unchanged, the list rendered last time is the list
this view would render, so it is reused. Any edit, publication, closing or sign-up changes
the key, on every worker, at once.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from .eligibility import restriction_text
from .models import Action, ActionKind, ActionStatus
from .times import format_local, format_range

SORTS = {"newest": "Newest first", "closing": "Closing soon first"}
CLOSING_SOON = timedelta(days=7)


# What the list shows changes only with these (a Core query: it runs on every view).
_ACTIONS = Action.__table__
_LIST_STATE = (select(_ACTIONS.c.id, _ACTIONS.c.updated_at, _ACTIONS.c.taking_part)
               .where(_ACTIONS.c.status == ActionStatus.PUBLISHED).order_by(_ACTIONS.c.id))


@dataclass
class ListedAction:
    action: Action
    closing_soon: bool
    deadline_text: str
    when_text: str
    restriction: str | None


@dataclass
class RenderedList:
    state: tuple                     # the published actions' (id, updated_at, taking_part) it shows
    valid_until: datetime | None   # the next moment an action closes or starts closing soon
    html: Markup


def open_actions(kind: str | None, sort: str, now: datetime) -> list[ListedAction]:
    """Published actions still taking sign-ups at ``now``, filtered by type, in the chosen order."""
    query = select(Action).where(Action.status == ActionStatus.PUBLISHED)
    if kind in ActionKind.LABELS:
        query = query.where(Action.kind == kind)
    actions = [a for a in db.session.scalars(query) if a.accepts_signups(now)]
    listed = [ListedAction(
        action=a,
        closing_soon=bool(a.signup_deadline and a.signup_deadline - now < CLOSING_SOON),
        deadline_text=format_local(a.signup_deadline, a.timezone) if a.signup_deadline else "",
        when_text=format_range(a.starts_at, a.ends_at, a.timezone) if a.is_event else "",
        restriction=restriction_text(a))
        for a in actions]
    newest = sorted(listed, key=lambda item: (item.action.published_at or item.action.created_at,
                                              item.action.id), reverse=True)
    if sort == "closing":
        # Python's sort is stable: among equal deadlines (or none) the newest stays first.
        return sorted(newest, key=lambda item: (item.action.signup_deadline is None,
                                                item.action.signup_deadline or now))
    return newest


def open_actions_html(kind: str | None, sort: str) -> Markup:
    """The rendered list for this filter and order: from memory if nothing it shows has changed."""
    now = utcnow()
    state = tuple(db.session.connection().execute(_LIST_STATE).all())
    lists = current_app.extensions.setdefault("advocacy_open_actions", {})
    cached = lists.get((kind, sort))
    if cached is not None and cached.state == state and (cached.valid_until is None or now < cached.valid_until):
        return cached.html
    listed = open_actions(kind, sort, now)
    html = Markup(render_template("advocacy/_open_actions.html", listed=listed, kind=kind))
    lists[(kind, sort)] = RenderedList(state, _next_boundary(listed, now), html)
    return html


def _next_boundary(listed: list[ListedAction], now: datetime) -> datetime | None:
    """When the list would next look different with no change to the data."""
    moments = [moment for item in listed if item.action.signup_deadline
               for moment in (item.action.signup_deadline - CLOSING_SOON, item.action.signup_deadline)
               if moment > now]
    return min(moments, default=None)
