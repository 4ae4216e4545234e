"""The member directory: search, filters, sort and pages."""
from flask import render_template, request

from ...core import registry
from ...core.access import staff_required
from ...members.categories import CATEGORY_CHOICES
from ...members.geography import US_STATES
from .. import bp
from ..directory import directory_page
from ..filters import PER_PAGE_CHOICES, SORT_LABELS, STATUS_LABELS, VERIFICATION_LABELS
from . import read_query


def filter_choices() -> dict:
    """What the filter form offers; the same lists the parser accepts."""
    return {"categories": CATEGORY_CHOICES, "statuses": STATUS_LABELS, "verifications": VERIFICATION_LABELS,
            "states": dict(sorted(US_STATES.items(), key=lambda pair: pair[1])), "sorts": SORT_LABELS,
            "per_page_choices": PER_PAGE_CHOICES, "flags": registry.member_flags}


@bp.get("/members")
@staff_required
def directory():
    query = read_query(request.args)
    return render_template("admin/directory.html", query=query, result=directory_page(query),
                           **filter_choices())
