"""Outreach fixtures: a topic, a segment of everyone, and a way to run the mail worker as it runs."""
import pytest

from leap_members.mail.sender import send_pending
from leap_members.outreach import sending
from leap_members.outreach.models import Mailing, Segment, Topic
from tests.support.clients import client_as


@pytest.fixture
def topic(db):
    found = Topic(name="Action alerts", description="When a letter or a hearing needs you.")
    db.session.add(found)
    db.session.commit()
    return found


@pytest.fixture
def everyone(db):
    segment = Segment(name="Everyone", query="")
    db.session.add(segment)
    db.session.commit()
    return segment


@pytest.fixture
def staff(member_factory):
    return member_factory(role="staff", email="organiser@leap.example", first_name="Olu", email_updates=False)


@pytest.fixture
def staff_client(app, staff):
    return client_as(app, staff)


@pytest.fixture
def make_mailing(db, topic, everyone, staff):
    def make(**fields):
        values = dict(subject="Hearing on Thursday, {{ first_name }}",
                      body_markdown="Dear {{ first_name }},\n\nThe **hearing** is on Thursday.",
                      topic_id=topic.id, segment_id=everyone.id, created_by_id=staff.id)
        values.update(fields)
        mailing = Mailing(**values)
        db.session.add(mailing)
        db.session.commit()
        return mailing
    return make


@pytest.fixture
def run_worker(app, inbox):
    """One pass of `flask send-mail`: bulk messages written to the outbox, then everything due sent."""
    def run(passes: int = 1):
        for _ in range(passes):
            sending.step()
            send_pending(limit=1000)
            sending.step()
        return inbox
    return run
