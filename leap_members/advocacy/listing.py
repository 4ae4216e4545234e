"""The page of open actions, rendered once per change and served from memory between changes.

The page is the same for every member (staff see one more link). It is kept per worker under
the actions' data version (core/dataversions.py), which the database replaces with every write
to the actions table (an edit, a publication, a closing, and each sign-up, which moves its
action's ``taking_part``), and until the clock's next boundary (an action closing, or starting
to close soon). Each view reads the one-row version first (with the member: members/login.py);
while it and the clock are unchanged, the page rendered last time is the page this view would
render.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ..core import dataversions
from ..core.pagecache import kept_page, message_waiting, render_for_every_member, with_session_token
from ..core.timeutil import utcnow
from ..extensions import db
from .eligibility import restriction_text
from .models import Action, ActionKind, ActionStatus
from .times import format_local, format_range

SORTS = {"newest": "Newest first", "closing": "Closing soon first"}
CLOSING_SOON = timedelta(days=7)

VERSION = "actions"
_TEMPLATE = "advocacy/index.html"
_KEPT_PAGES = 32   # site root x (type or all) x order x staff or not: a handful per worker

dataversions.follow(VERSION, lambda: [Action.__tablename__])


@dataclass
class ListedAction:
    action: Action
    closing_soon: bool
    deadline_text: str
    when_text: str
    restriction: str | None


@dataclass
class KeptPage:
    valid_until: datetime | None   # the next moment an action closes or starts closing soon
    html: str


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


def action_list_page(kind: str | None, sort: str) -> str:
    """The member's page of open actions, from memory if nothing it shows has changed.

    The page is the same for every member but for the staff link in the menu, so it is kept
    whole per (type, order, staff or not), with a stand-in for the session's CSRF token, until
    the actions change or the clock passes its next boundary. A message waiting to be shown makes
    the page this member's own: built, not kept."""
    now = utcnow()
    if message_waiting():
        return render_template(_TEMPLATE, **_page_values(kind, sort, open_actions(kind, sort, now)))
    staff = current_user.is_staff

    def build() -> KeptPage:
        listed = open_actions(kind, sort, now)
        html = render_for_every_member(_TEMPLATE, staff=staff, **_page_values(kind, sort, listed))
        return KeptPage(_next_boundary(listed, now), html)

    page = kept_page("advocacy_action_list_pages", _KEPT_PAGES, VERSION, (kind, sort, staff), build,
                     still_good=lambda kept: kept.valid_until is None or now < kept.valid_until)
    return with_session_token(page.html)


def _page_values(kind: str | None, sort: str, listed: list[ListedAction]) -> dict:
    return {"listed": listed, "kind": kind, "sort": sort, "kinds": ActionKind.LABELS, "sorts": SORTS}


def _next_boundary(listed: list[ListedAction], now: datetime) -> datetime | None:
    """When the list would next look different with no change to the data."""
    moments = [moment for item in listed if item.action.signup_deadline
               for moment in (item.action.signup_deadline - CLOSING_SOON, item.action.signup_deadline)
               if moment > now]
    return min(moments, default=None)
