"""Speakers-bureau records built straight in the database, for the speakers tests and the browser tests."""
import secrets
from datetime import timedelta

from leap_members.core.timeutil import utcnow
from leap_members.extensions import db as _db
from leap_members.members.models import Verification
from leap_members.speakers.models import (
    Format,
    ProfileStatus,
    RequestStatus,
    SpeakerProfile,
    SpeakerProfileTopic,
    SpeakerRequest,
    SpeakerRequestTopic,
    SpeakerTopic,
)
from tests.support.factories import make_member


def make_topic(name: str, position: int = 0) -> SpeakerTopic:
    topic = SpeakerTopic(name=name, position=position)
    _db.session.add(topic)
    _db.session.commit()
    return topic


def make_speaker(member=None, topics=(), status: str = ProfileStatus.APPROVED, **fields) -> SpeakerProfile:
    """An approved speaker (a verified former officer in Ohio unless ``member`` is given)."""
    if member is None:
        n = _db.session.query(SpeakerProfile).count() + 1
        member = make_member(category="le_former", email=f"speaker{n}@example.org", first_name="Speaker",
                             last_name=f"Number{n}", state="OH", organisation="Dayton Police Department",
                             role_title="Lieutenant", verification=Verification.VERIFIED, verified_at=utcnow())
    values = dict(member_id=member.id, status=status, public_description="a retired police lieutenant in Ohio",
                  bio="Twenty years on patrol and in narcotics; now speaks on treatment first.",
                  states=[member.state], travel_miles=200, formats=[Format.IN_PERSON, Format.ONLINE],
                  languages=["English"], decided_at=utcnow() if status == ProfileStatus.APPROVED else None)
    values.update(fields)
    profile = SpeakerProfile(**values)
    profile.topic_links = [SpeakerProfileTopic(topic_id=topic.id) for topic in topics]
    _db.session.add(profile)
    _db.session.commit()
    return profile


def make_request(topics=(), status: str = RequestStatus.NEW, days_ahead: int = 21, **fields) -> SpeakerRequest:
    """A request for an in-person talk in Columbus, Ohio, three weeks from now."""
    starts = (utcnow() + timedelta(days=days_ahead)).replace(minute=0, second=0, microsecond=0)
    values = dict(submission_key=secrets.token_hex(16), status=status, organisation="Columbus Rotary Club",
                  contact_name="Pat Requester", contact_email="pat.requester@example.net", event_type="civic",
                  starts_at=starts, ends_at=starts + timedelta(hours=1), timezone="America/New_York",
                  online=False, venue="Athletic Club of Columbus", city="Columbus", state="OH",
                  audience="Business and civic leaders", audience_size=60, format=Format.IN_PERSON,
                  language="English", press_expected=False)
    values.update(fields)
    request = SpeakerRequest(**values)
    request.topic_links = [SpeakerRequestTopic(topic_id=topic.id) for topic in topics]
    _db.session.add(request)
    _db.session.commit()
    return request
