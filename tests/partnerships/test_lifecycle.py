"""Date and status rules, checked against dates worked out by hand (no database)."""
from datetime import date

import pytest

from leap_members.partnerships import lifecycle
from leap_members.partnerships.lifecycle import ACTIVE, DRAFT, ENDED, EXPIRED, NOTICE_GIVEN, TERMINATED
from leap_members.partnerships.wording import counted, jurisdiction, number_in_words

D = date


@pytest.mark.parametrize("start, years, expected", [
    (D(2024, 2, 29), 3, D(2027, 2, 28)),   # leap day, common target year: 28 February
    (D(2024, 2, 29), 4, D(2028, 2, 29)),   # leap day to leap year: the same day
    (D(2024, 2, 29), 1, D(2025, 2, 28)),
    (D(2023, 2, 28), 1, D(2024, 2, 28)),   # 28 February stays 28 February in a leap year
    (D(2023, 3, 1), 1, D(2024, 3, 1)),
    (D(2024, 1, 31), 3, D(2027, 1, 31)),   # month end
    (D(2024, 12, 31), 3, D(2027, 12, 31)),  # year end
    (D(2025, 6, 15), 10, D(2035, 6, 15)),
])
def test_term_ends_on_the_same_calendar_day_years_later_and_28_february_for_a_leap_day(start, years, expected):
    assert lifecycle.add_years(start, years) == expected


@pytest.mark.parametrize("received, days, expected", [
    (D(2024, 12, 1), 90, D(2025, 3, 1)),    # across a year end, common February
    (D(2023, 12, 1), 90, D(2024, 2, 29)),   # across a year end, the leap day counts
    (D(2024, 11, 15), 90, D(2025, 2, 13)),
    (D(2024, 12, 31), 90, D(2025, 3, 31)),
    (D(2025, 10, 3), 90, D(2026, 1, 1)),    # lands on New Year's Day
    (D(2024, 2, 29), 30, D(2024, 3, 30)),
])
def test_notice_period_counts_calendar_days_including_leap_days(received, days, expected):
    result = lifecycle.schedule(D(2020, 1, 1), 10, received, days)
    assert result.notice_ends_on == expected


@pytest.mark.parametrize("signed, term, notice, expected_term_end, expected_notice_end, expected_end, reason", [
    (D(2024, 2, 29), 3, None, D(2027, 2, 28), None, D(2027, 2, 28), EXPIRED),
    (D(2023, 1, 10), 3, D(2024, 12, 1), D(2026, 1, 10), D(2025, 3, 1), D(2025, 3, 1), TERMINATED),
    # notice less than 90 days before the term's end: the term's end comes first
    (D(2022, 1, 10), 3, D(2024, 12, 1), D(2025, 1, 10), D(2025, 3, 1), D(2025, 1, 10), EXPIRED),
    # notice period ending exactly at the term's end: the term ran out
    (D(2022, 3, 1), 3, D(2024, 12, 1), D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 1), EXPIRED),
    (None, 3, None, None, None, None, None),
])
def test_schedule_ends_at_the_earlier_of_term_end_and_notice_end(signed, term, notice, expected_term_end,
                                                                   expected_notice_end, expected_end, reason):
    result = lifecycle.schedule(signed, term, notice, 90)
    assert (result.term_ends_on, result.notice_ends_on, result.ends_on) == (
        expected_term_end, expected_notice_end, expected_end)
    assert lifecycle.end_reason(result.term_ends_on, result.notice_ends_on) == reason


SIGNED = D(2024, 2, 29)
TERM_END = D(2027, 2, 28)
NOTICE = D(2025, 12, 1)
NOTICE_END = D(2026, 3, 1)


@pytest.mark.parametrize("signed, notice, ends, today, expected", [
    (None, None, None, D(2025, 1, 1), DRAFT),
    (SIGNED, None, TERM_END, SIGNED, ACTIVE),                  # in force on the signing day
    (SIGNED, None, TERM_END, D(2027, 2, 27), ACTIVE),          # the last day in force
    (SIGNED, None, TERM_END, TERM_END, ENDED),                 # ends on its end date
    (SIGNED, None, TERM_END, D(2030, 1, 1), ENDED),
    (SIGNED, NOTICE, NOTICE_END, D(2025, 11, 30), ACTIVE),     # notice not yet received that day
    (SIGNED, NOTICE, NOTICE_END, NOTICE, NOTICE_GIVEN),
    (SIGNED, NOTICE, NOTICE_END, D(2026, 2, 28), NOTICE_GIVEN),
    (SIGNED, NOTICE, NOTICE_END, NOTICE_END, ENDED),
    (D(2030, 1, 1), None, D(2033, 1, 1), D(2029, 12, 31), DRAFT),  # not in force before its signing date
])
def test_status_follows_from_the_dates_alone(signed, notice, ends, today, expected):
    assert lifecycle.status(signed, notice, ends, today) == expected


@pytest.mark.parametrize("number, words", [
    (1, "one"), (3, "three"), (10, "ten"), (19, "nineteen"), (20, "twenty"), (30, "thirty"),
    (45, "forty-five"), (90, "ninety"), (100, "one hundred"), (120, "one hundred twenty"),
    (365, "three hundred sixty-five"),
])
def test_numbers_are_spelled_out_as_contracts_write_them(number, words):
    assert number_in_words(number) == words


def test_periods_read_with_words_and_figures_and_singular_for_one():
    assert counted(3, "year") == "three (3) years"
    assert counted(1, "year") == "one (1) year"
    assert counted(90, "day") == "ninety (90) days"


@pytest.mark.parametrize("code, name", [
    ("CA", "the State of California"), ("NY", "the State of New York"),
    ("VA", "the Commonwealth of Virginia"), ("MA", "the Commonwealth of Massachusetts"),
    ("DC", "the District of Columbia"), ("PR", "the Commonwealth of Puerto Rico"),
])
def test_governing_law_names_the_jurisdiction_formally(code, name):
    assert jurisdiction(code) == name
