"""Dates and states of an agreement, computed from the signing and notice dates, never typed.

The rules, as staff check them by hand:
- The term starts on the signing date and ends on the same calendar day ``term_years``
  later. When that day does not exist (29 February in a common year) the term ends on
  28 February: the last day of the same month, never spilling into March.
- Written notice ends the agreement ``notice_days`` calendar days after the day it was
  received (1 December + 90 days = 1 March; leap days count), or at the term's end if that
  comes sooner.
- An agreement "ends on" a date: from that day on it is no longer in force (status ENDED).
"""
from dataclasses import dataclass
from datetime import date, timedelta

DRAFT, ACTIVE, NOTICE_GIVEN, ENDED = "draft", "active", "notice_given", "ended"
STATUSES = (DRAFT, ACTIVE, NOTICE_GIVEN, ENDED)
STATUS_LABELS = {DRAFT: "Draft", ACTIVE: "Active", NOTICE_GIVEN: "Notice given", ENDED: "Ended"}
EXPIRED, TERMINATED = "expired", "terminated"

DEFAULT_TERM_YEARS = 3
DEFAULT_NOTICE_DAYS = 90
MAX_TERM_YEARS = 10
MAX_NOTICE_DAYS = 365


def add_years(start: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February falls on 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # only 29 February has no twin in a common year
        return start.replace(year=start.year + years, day=28)


@dataclass(frozen=True)
class Schedule:
    """When the term ends, when a notice period ends, and which comes first."""
    term_ends_on: date | None
    notice_ends_on: date | None
    ends_on: date | None


def schedule(signed_on: date | None, term_years: int, notice_received_on: date | None,
             notice_days: int) -> Schedule:
    """The end dates that follow from the signing date, the term and any notice."""
    if signed_on is None:
        return Schedule(None, None, None)
    term_ends_on = add_years(signed_on, term_years)
    notice_ends_on = notice_received_on + timedelta(days=notice_days) if notice_received_on else None
    ends_on = min(term_ends_on, notice_ends_on) if notice_ends_on else term_ends_on
    return Schedule(term_ends_on, notice_ends_on, ends_on)


def status(signed_on: date | None, notice_received_on: date | None, ends_on: date | None, today: date) -> str:
    """draft, active, notice_given or ended, as of ``today``."""
    if signed_on is None or signed_on > today or ends_on is None:
        return DRAFT
    if today >= ends_on:
        return ENDED
    if notice_received_on is not None and notice_received_on <= today:
        return NOTICE_GIVEN
    return ACTIVE


def end_reason(term_ends_on: date | None, notice_ends_on: date | None) -> str | None:
    """terminated (by notice, before the term's end) or expired (the term ran out)."""
    if term_ends_on is None:
        return None
    if notice_ends_on is not None and notice_ends_on < term_ends_on:
        return TERMINATED
    return EXPIRED


def days_left(ends_on: date | None, today: date) -> int | None:
    return (ends_on - today).days if ends_on else None
