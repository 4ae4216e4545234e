"""What petitions, events and letter campaigns share: finding one by kind, the fields every action
has, and its sign-ups counted by status for a whole page at once.

The API is for staff tools, so every status is listed (drafts and archived actions too) and
``leap:status`` says which; ``browser_url`` is the action's page, where members take part.
"""
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select

from ..advocacy.eligibility import restriction_text
from ..advocacy.models import Action, ActionSignup
from ..advocacy.notifications import action_url
from ..extensions import db
from .hal import dates, identifiers, iso
from .lookup import find
from .odata import Filterable

ACTION_FILTERS = {"modified_date": Filterable(Action.updated_at, "date"),
                  "created_date": Filterable(Action.created_at, "date")}


def find_action(uuid: str, kind: str, noun: str) -> Action:
    """The action of ``kind`` with this uuid, or a 404 naming it as ``noun`` ("petition")."""
    return find(Action, uuid, noun, Action.kind == kind)


def status_counts(actions: Sequence[Action]) -> dict[int, dict[str, int]]:
    """How many sign-ups each action has in each status, in one query for the page."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if actions:
        rows = db.session.execute(select(ActionSignup.action_id, ActionSignup.status, func.count())
                                  .where(ActionSignup.action_id.in_([a.id for a in actions]))
                                  .group_by(ActionSignup.action_id, ActionSignup.status))
        for action_id, status, number in rows:
            counts[action_id][status] = number
    return counts


def action_fields(action: Action) -> dict:
    """The fields every kind of action reads with, in OSDI's words where it has them."""
    return {
        "identifiers": identifiers(action.uuid),
        **dates(action),
        "title": action.title,
        "description": action.description,   # the members' text; the API is for staff tools
        "summary": action.summary,           # what visitors with the link see
        "browser_url": action_url(action),
        "leap:status": action.status,
        "leap:closes_date": iso(action.closes_at),
        "leap:open_to": restriction_text(action),   # None: every member may take part
    }
