"""What each feature adds to the member record, member merges and the staff dashboard.

Features register here when their package is imported; the staff console reads these
lists, so it never needs to know which features exist.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

from sqlalchemy import Select


@dataclass(frozen=True)
class TimelineEvent:
    """One line of a member's history, shown to staff on the member record."""
    when: datetime
    kind: str          # e.g. "joined", "gift", "action-signup"
    text: str
    url: str | None = None


@dataclass(frozen=True)
class MemberFlag:
    """A yes/no filter of the member directory, such as "has given"."""
    name: str
    label: str
    member_ids: Callable[[], Select]  # a SELECT of member ids that have the flag


# member -> events; called with a Member.
timeline_sources: list[Callable[[object], Iterable[TimelineEvent]]] = []
# (source_member_id, target_member_id) -> {"what moved": count}; runs inside the merge's transaction.
merge_steps: list[Callable[[int, int], dict[str, int]]] = []
# Directory filters contributed by features.
member_flags: dict[str, MemberFlag] = {}
# () -> (template name, context dict) for a panel on the staff dashboard.
dashboard_panels: list[Callable[[], tuple[str, dict]]] = []
# member -> (template name, context dict) for a panel on the member record; called with a Member.
member_panels: list[Callable[[object], tuple[str, dict]]] = []


def timeline_source(function):
    timeline_sources.append(function)
    return function


def merge_step(function):
    merge_steps.append(function)
    return function


def dashboard_panel(function):
    dashboard_panels.append(function)
    return function


def member_panel(function):
    member_panels.append(function)
    return function


def add_member_flag(flag: MemberFlag) -> None:
    member_flags[flag.name] = flag
