"""Figures for the staff dashboard: a few GROUP BY queries, whatever the number of members."""
import logging
from dataclasses import dataclass
from datetime import date

from flask import render_template
from markupsafe import Markup
from sqlalchemy import func, select

from ..core import registry
from ..core.monthly import per_month
from ..extensions import db
from ..members.categories import CATEGORIES
from ..members.geography import US_STATES
from ..members.models import Member, MembershipStatus
from .filters import STATUS_LABELS

log = logging.getLogger(__name__)


@dataclass
class Breakdown:
    """Counts by some property, largest first, with the label and the directory filter for each."""
    rows: list[tuple[str, str, int]]  # (filter value, label, count)

    @property
    def total(self) -> int:
        return sum(count for _, _, count in self.rows)


def _grouped(column) -> dict[str, int]:
    statement = (select(column, func.count()).where(Member.status != MembershipStatus.MERGED)
                 .group_by(column))
    return {value: count for value, count in db.session.execute(statement)}


def by_category() -> Breakdown:
    counts = _grouped(Member.category)
    return Breakdown([(code, info.label, counts.get(code, 0)) for code, info in CATEGORIES.items()])


def by_status() -> Breakdown:
    counts = _grouped(Member.status)
    return Breakdown([(code, STATUS_LABELS[code], counts.get(code, 0))
                      for code in STATUS_LABELS if code != MembershipStatus.MERGED])


def by_state() -> Breakdown:
    counts = _grouped(Member.state)
    rows = [(code, US_STATES.get(code, code), count) for code, count in counts.items()]
    return Breakdown(sorted(rows, key=lambda row: (-row[2], row[1])))


def new_members_per_month(today: date | None = None) -> list[tuple[str, int]]:
    """(label "Jan 2025", count) for the last twelve months, months without joiners included."""
    return per_month(Member.created_at, func.count(), today=today)


def rendered_panels() -> list[Markup]:
    """Each feature's dashboard panel; one that fails is replaced by a notice, not a broken page."""
    panels = []
    for panel in registry.dashboard_panels:
        try:
            template, context = panel()
            # The panel's own autoescaped template made this HTML; it is not raw user input.
            panels.append(Markup(render_template(template, **context)))  # nosec B704
        except Exception:
            db.session.rollback()
            log.exception("Dashboard panel %s failed", getattr(panel, "__name__", panel))
            panels.append(Markup('<section class="card"><p class="error">'
                                 'One dashboard panel could not be loaded. The error was logged.</p></section>'))
    return panels
