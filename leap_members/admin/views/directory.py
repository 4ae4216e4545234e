"""The member directory: search, filters, sort and pages."""
from flask import render_template, request
from sqlalchemy import select

from ...advocacy.models import Action
from ...core import registry
from ...core.access import staff_required
from ...extensions import db
from ...members.categories import CATEGORY_CHOICES
from ...members.geography import US_STATES
from ...outreach.models import Topic
from ...outreach.tag_forms import tag_choices
from .. import bp
from ..directory import directory_page
from ..filters import (
    GIVEN_LABELS,
    GIVEN_MONTHS_PREFIX,
    PER_PAGE_CHOICES,
    SORT_LABELS,
    STATUS_LABELS,
    VERIFICATION_LABELS,
    DirectoryQuery,
)
from . import read_query

GIVEN_MONTHS_OFFERED = (1, 3, 6, 12, 24, 60)


def given_choices(query: DirectoryQuery) -> dict[str, str]:
    """The "has given" options; a number of months typed into the address is kept as an option."""
    offered = dict(GIVEN_LABELS)
    typed = query.given_months()
    for n in sorted({*GIVEN_MONTHS_OFFERED, *([typed] if typed else [])}):
        offered[f"{GIVEN_MONTHS_PREFIX}{n}"] = f"in the last {n} month{'' if n == 1 else 's'}"
    return offered


def filter_choices(query: DirectoryQuery) -> dict:
    """What the filter form offers; the same lists the parser accepts."""
    topics = db.session.scalars(select(Topic).order_by(Topic.archived_at.is_not(None), Topic.name))
    actions = db.session.scalars(select(Action).order_by(Action.created_at.desc(), Action.id.desc()))
    return {"categories": CATEGORY_CHOICES, "statuses": STATUS_LABELS, "verifications": VERIFICATION_LABELS,
            "states": dict(sorted(US_STATES.items(), key=lambda pair: pair[1])), "sorts": SORT_LABELS,
            "per_page_choices": PER_PAGE_CHOICES, "flags": registry.member_flags, "tags": tag_choices(),
            "topics": {t.id: t.name + (" (archived)" if t.archived_at else "") for t in topics},
            "actions": {a.id: f"{a.title} ({a.kind_label.lower()})" for a in actions},
            "given_choices": given_choices(query)}


@bp.get("/members")
@staff_required
def directory():
    query = read_query(request.args)
    return render_template("admin/directory.html", query=query, result=directory_page(query),
                           **filter_choices(query))
