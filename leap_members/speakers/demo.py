"""Demo speakers and a speaker request for a local run or a demonstration (after ``flask seed-demo``)."""
from datetime import timedelta

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from ..members.models import Member
from .history import record_step
from .models import (
    Format,
    ProfileStatus,
    SpeakerProfile,
    SpeakerProfileTopic,
    SpeakerRequest,
    SpeakerRequestTopic,
    SpeakerTopic,
)

DEMO = "demo"
DEMO_SPEAKERS = [
    # e-mail of a verified demo member, anonymous in public, description, states, formats, languages, topics, bio
    ("maria.alvarez@example.org", True, "a serving police sergeant in Arizona", ["AZ", "NM", "NV"],
     [Format.IN_PERSON, Format.ONLINE, Format.TESTIMONY], ["English", "Spanish"],
     ["Drug policy", "Police-community relations"],
     "Fourteen years on patrol and in a narcotics unit. Speaks about what arrests for possession did, and did not "
     "do, in the neighbourhoods she serves."),
    ("dana.holloway@example.org", False, "a retired police lieutenant in California", ["CA", "OR", "WA"],
     [Format.IN_PERSON, Format.ONLINE, Format.MEDIA], ["English"],
     ["Mental-health response", "Police-community relations", "Harm reduction"],
     "Twenty-one years with the Long Beach Police Department, the last six running its mental-health "
     "evaluation teams. Talks to councils and civic groups about crisis response that does not end in arrest."),
    ("ruth.calloway@example.org", False, "a judge in New York", ["NY", "NJ", "CT", "MA"],
     [Format.IN_PERSON, Format.TESTIMONY, Format.ONLINE], ["English"],
     ["Reentry", "Criminal-justice reform", "Racial disparities"],
     "Eighteen years on the bench in Albany County. Testifies on sentencing, treatment courts and the barriers "
     "people face after prison."),
]


def seed_demo_speakers() -> int:
    """Approved profiles for the verified demo professionals and one open request (idempotent); returns profiles added."""
    topics = {topic.name: topic for topic in db.session.scalars(select(SpeakerTopic))}
    added = 0
    for email, anonymous, description, states, formats, languages, topic_names, bio in DEMO_SPEAKERS:
        member = db.session.scalar(select(Member).where(Member.email == email))
        if member is None or db.session.scalar(select(SpeakerProfile.id).where(SpeakerProfile.member_id == member.id)):
            continue
        profile = SpeakerProfile(member_id=member.id, status=ProfileStatus.APPROVED, anonymous=anonymous,
                                 public_description=description, bio=bio, states=states, travel_miles=300,
                                 formats=formats, languages=languages, decided_at=utcnow(),
                                 decided_by_label="demo data")
        profile.topic_links = [SpeakerProfileTopic(topic_id=topics[name].id) for name in topic_names if name in topics]
        db.session.add(profile)
        db.session.flush()
        record_step("profile-approved", "Speaker profile approved (demo data)", member_id=member.id,
                    actor_label="demo data")
        added += 1
    if not db.session.scalar(select(SpeakerRequest.id).where(SpeakerRequest.submission_key == DEMO)):
        _demo_request(topics)
    return added


def _demo_request(topics: dict[str, SpeakerTopic]) -> None:
    starts = (utcnow() + timedelta(days=30)).replace(hour=23, minute=0, second=0, microsecond=0)
    request = SpeakerRequest(
        submission_key=DEMO, organisation="Long Beach Rotary Club", contact_name="Jordan Lee",
        contact_email="jordan.lee@example.net", event_type="civic", starts_at=starts,
        ends_at=starts + timedelta(hours=1), timezone="America/Los_Angeles", venue="Long Beach Yacht Club",
        city="Long Beach", state="CA", audience="Local business owners and civic leaders", audience_size=80,
        format=Format.IN_PERSON, language="English", notes="A 30-minute talk and questions, over lunch.")
    request.topic_links = [SpeakerRequestTopic(topic_id=topics[name].id)
                           for name in ("Mental-health response",) if name in topics]
    db.session.add(request)
    db.session.flush()
    record_step("requested", "Requested by Long Beach Rotary Club (demo data)", request=request,
                actor_label="demo data")
