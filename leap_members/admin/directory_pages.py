"""The directory for one query (its filters and results), kept per worker while the data behind
it is unchanged.

At 100,000 members one query's page costs ~20 ms to gather and render (a trigram search, a
count, a sorted page, the flags); the same query asked again while nothing it reads has changed
is served from memory. "Unchanged" is the directory's data version (core/dataversions.py), which
the database replaces with every write to the members table or to a table behind a flag, so a
kept page is never older than the data: an edit, a signup, a gift or a merge shows at once.
"""
from flask import current_app, render_template
from markupsafe import Markup

from ..core import dataversions, registry
from ..core.pagecache import kept_page
from ..members.categories import CATEGORY_CHOICES
from ..members.geography import US_STATES
from ..members.models import Member
from .directory import directory_page
from .filters import PER_PAGE_CHOICES, SORT_LABELS, STATUS_LABELS, VERIFICATION_LABELS, DirectoryQuery

VERSION = "directory"


def directory_tables() -> list[str]:
    """The tables a directory page reads: members and those behind every flag."""
    names = {Member.__tablename__}
    for flag in registry.member_flags.values():
        names.update(table.name for table in flag.member_ids().get_final_froms())
    return sorted(names)


dataversions.follow(VERSION, directory_tables)


def filter_choices() -> dict:
    """What the filter form offers; the same lists the parser accepts."""
    return {"categories": CATEGORY_CHOICES, "statuses": STATUS_LABELS, "verifications": VERIFICATION_LABELS,
            "states": dict(sorted(US_STATES.items(), key=lambda pair: pair[1])), "sorts": SORT_LABELS,
            "per_page_choices": PER_PAGE_CHOICES, "flags": registry.member_flags}


def directory_body(query: DirectoryQuery) -> Markup:
    """The filters and results for ``query``, kept while the directory's data is unchanged."""
    return kept_page("directory_pages", current_app.config["DIRECTORY_KEPT_PAGES"], VERSION, (query,),
                     lambda: Markup(render_template("admin/_directory_body.html", query=query,
                                                    result=directory_page(query), **filter_choices())))
