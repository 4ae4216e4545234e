"""When a bounce or complaint stops bulk mail, and what the member's OSDI e-mail status says."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from leap_members.core.timeutil import utcnow
from leap_members.outreach import bounces
from leap_members.outreach.audience import address_may_get, email_status
from leap_members.outreach.models import DeliveryEvent, EmailStatus, Suppression, SuppressionReason


def soft_bounce(key: str, address: str, days_ago: float):
    return bounces.record_event("generic", key, "soft-bounce", address, utcnow() - timedelta(days=days_ago),
                                "452 mailbox full")


def suppressions_of(db, address: str) -> list[Suppression]:
    return list(db.session.scalars(select(Suppression).where(Suppression.address == address)))


def test_a_hard_bounce_suppresses_at_once_and_the_same_report_twice_is_one_event(db):
    assert bounces.record_event("generic", "evt-1", "hard-bounce", " Ana@Example.ORG ", utcnow(), "550 5.1.1")
    assert not bounces.record_event("generic", "evt-1", "hard-bounce", "ana@example.org", utcnow(), "550 5.1.1")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DeliveryEvent)) == 1
    [suppression] = suppressions_of(db, "ana@example.org")
    assert suppression.reason == SuppressionReason.HARD_BOUNCE and suppression.detail == "550 5.1.1"
    assert not address_may_get("ana@example.org")


def test_a_complaint_suppresses_and_a_second_report_keeps_one_suppression_in_force(db):
    bounces.record_event("generic", "c-1", "complaint", "ana@example.org", utcnow(), "abuse")
    bounces.record_event("generic", "h-1", "hard-bounce", "ana@example.org", utcnow(), "550")
    db.session.commit()
    assert [s.reason for s in suppressions_of(db, "ana@example.org")] == [SuppressionReason.COMPLAINT]
    assert db.session.scalar(select(func.count()).select_from(DeliveryEvent)) == 2


def test_three_soft_bounces_within_30_days_suppress(db):
    assert soft_bounce("s1", "ana@example.org", 20) and soft_bounce("s2", "ana@example.org", 10)
    db.session.commit()
    assert suppressions_of(db, "ana@example.org") == []
    soft_bounce("s3", "ana@example.org", 0)
    db.session.commit()
    assert [s.reason for s in suppressions_of(db, "ana@example.org")] == [SuppressionReason.SOFT_BOUNCES]


def test_two_soft_bounces_do_not_suppress(db):
    soft_bounce("s1", "ana@example.org", 3)
    soft_bounce("s2", "ana@example.org", 1)
    db.session.commit()
    assert suppressions_of(db, "ana@example.org") == [] and address_may_get("ana@example.org")


def test_three_soft_bounces_spread_over_60_days_do_not_suppress(db):
    for key, days_ago in (("s1", 60), ("s2", 30.5), ("s3", 0)):
        soft_bounce(key, "ana@example.org", days_ago)
    db.session.commit()
    assert suppressions_of(db, "ana@example.org") == []


def test_soft_bounces_reported_out_of_order_still_count_within_their_30_days(db):
    for key, days_ago in (("s1", 25), ("s3", 0), ("s2", 12)):   # the middle one arrives last
        soft_bounce(key, "ana@example.org", days_ago)
    db.session.commit()
    assert [s.reason for s in suppressions_of(db, "ana@example.org")] == [SuppressionReason.SOFT_BOUNCES]


def test_lifting_keeps_the_history_and_soft_bounces_before_it_no_longer_count(db, staff):
    for key, days_ago in (("s1", 3), ("s2", 2), ("s3", 1)):
        soft_bounce(key, "ana@example.org", days_ago)
    assert bounces.lift("ANA@example.org", staff)
    assert not bounces.lift("ana@example.org", staff)      # nothing in force any more
    db.session.commit()
    [lifted] = suppressions_of(db, "ana@example.org")
    assert lifted.lifted_at is not None and lifted.lifted_by_id == staff.id
    soft_bounce("s4", "ana@example.org", 0)
    db.session.commit()
    assert address_may_get("ana@example.org") and len(suppressions_of(db, "ana@example.org")) == 1


def test_suppressing_an_address_already_suppressed_changes_nothing(db):
    assert bounces.suppress("ana@example.org", SuppressionReason.MANUAL, "asked by phone")
    assert not bounces.suppress("Ana@example.org", SuppressionReason.HARD_BOUNCE)
    db.session.commit()
    assert [s.reason for s in suppressions_of(db, "ana@example.org")] == [SuppressionReason.MANUAL]


@pytest.mark.parametrize("kind,lifted,expected", [
    ("hard-bounce", False, EmailStatus.BOUNCING),
    ("hard-bounce", True, EmailStatus.PREVIOUS_BOUNCE),
    ("complaint", False, EmailStatus.SPAM_COMPLAINT),
    ("complaint", True, EmailStatus.PREVIOUS_SPAM_COMPLAINT),
])
def test_the_osdi_email_status_follows_bounces_complaints_and_lifting(db, member_factory, staff, kind, lifted,
                                                                       expected):
    member = member_factory(email="ana@example.org", email_updates=True)
    assert email_status(member) == EmailStatus.SUBSCRIBED
    bounces.record_event("generic", "e-1", kind, member.email, utcnow(), "")
    if lifted:
        bounces.lift(member.email, staff)
    db.session.commit()
    assert email_status(member) == expected
