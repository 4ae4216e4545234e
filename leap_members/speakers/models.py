"""The speakers bureau: speaker profiles, requests for a speaker, invitations, and what happened.

A request moves new → matching → booked → done, or ends cancelled or with no speaker; each step
is a row of ``speaker_history``, which is both the request's timeline and (with ``member_id``) the
speaker's member timeline.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.identifiers import HasUuid
from ..core.timeutil import utcnow
from ..extensions import Model
from ..members.models import Member


class Format:
    IN_PERSON = "in_person"
    ONLINE = "online"
    TESTIMONY = "testimony"
    MEDIA = "media"
    LABELS = {IN_PERSON: "In person", ONLINE: "Online", TESTIMONY: "Testimony before a legislature or council",
              MEDIA: "Media interview"}


LANGUAGES = ("English", "Spanish", "French", "Haitian Creole", "Portuguese", "Vietnamese", "Chinese", "Korean",
             "Tagalog", "Arabic", "Russian", "American Sign Language")


class ProfileStatus:
    PENDING = "pending"        # waiting for staff
    APPROVED = "approved"      # public, and suggested for requests
    PAUSED = "paused"          # the speaker stepped back for now; hidden and never suggested
    DECLINED = "declined"      # staff did not approve it (the note says why)
    LEFT = "left"              # the speaker left the bureau
    LABELS = {PENDING: "Waiting for staff approval", APPROVED: "Approved", PAUSED: "Paused",
              DECLINED: "Not approved", LEFT: "Left the bureau"}


class RequestStatus:
    NEW = "new"
    MATCHING = "matching"      # staff invited at least one speaker
    BOOKED = "booked"
    DONE = "done"
    CANCELLED = "cancelled"
    NO_SPEAKER = "no_speaker"
    OPEN = frozenset({NEW, MATCHING})
    CLOSED = frozenset({DONE, CANCELLED, NO_SPEAKER})
    LABELS = {NEW: "Received", MATCHING: "Finding a speaker", BOOKED: "Speaker booked", DONE: "Done",
              CANCELLED: "Cancelled", NO_SPEAKER: "No speaker available"}


class EventType:
    LABELS = {"legislature": "Legislative hearing or briefing", "civic": "Civic or community group",
              "school": "School, college or university", "faith": "Faith community",
              "conference": "Conference or panel", "police": "Police or justice agency training",
              "media": "Media (press, radio, TV, podcast)", "other": "Something else"}


class InvitationStatus:
    INVITED = "invited"
    ACCEPTED = "accepted"      # this speaker is booked
    DECLINED = "declined"
    TOO_LATE = "too_late"      # accepted after another speaker was booked, or the request closed
    WITHDRAWN = "withdrawn"    # staff withdrew it (the request was booked another way or closed)
    LABELS = {INVITED: "Invited, no answer yet", ACCEPTED: "Accepted", DECLINED: "Declined",
              TOO_LATE: "Answered after the request was filled", WITHDRAWN: "Withdrawn"}


class SpeakerTopic(Model):
    """A topic speakers cover and requests ask for; staff keep the list. Retired topics stay on old records."""
    __tablename__ = "speaker_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SpeakerProfile(HasUuid, Model):
    """One member's offer to speak for LEAP: at most one per member."""
    __tablename__ = "speaker_profiles"
    __table_args__ = (Index("ix_speaker_profiles_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=ProfileStatus.PENDING)
    # Shown in public: the member's name, or only the anonymous description below.
    anonymous: Mapped[bool] = mapped_column(default=False)
    public_description: Mapped[str] = mapped_column(String(200))   # "a serving police lieutenant in Ohio"
    bio: Mapped[str] = mapped_column(Text)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)      # JPEG or PNG, checked on upload
    photo_type: Mapped[str | None] = mapped_column(String(20))
    states: Mapped[list] = mapped_column(JSON, default=list)       # state codes covered
    nationwide: Mapped[bool] = mapped_column(default=False)
    travel_miles: Mapped[int] = mapped_column(default=0)          # how far from home in person
    formats: Mapped[list] = mapped_column(JSON, default=list)      # Format codes
    languages: Mapped[list] = mapped_column(JSON, default=list)    # from LANGUAGES
    availability: Mapped[str | None] = mapped_column(Text)
    staff_note: Mapped[str | None] = mapped_column(Text)           # why it was not approved
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_label: Mapped[str | None] = mapped_column(String(300))
    paused_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    member: Mapped[Member] = relationship()
    topic_links: Mapped[list["SpeakerProfileTopic"]] = relationship(cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return ProfileStatus.LABELS.get(self.status, self.status)

    @property
    def is_public(self) -> bool:
        return self.status == ProfileStatus.APPROVED

    @property
    def topic_ids(self) -> set[int]:
        return {link.topic_id for link in self.topic_links}

    @property
    def public_name(self) -> str:
        """How the public sees the speaker: the name, or the description alone for an anonymous one."""
        return self.public_description if self.anonymous else self.member.full_name


class SpeakerProfileTopic(Model):
    __tablename__ = "speaker_profile_topics"

    profile_id: Mapped[int] = mapped_column(ForeignKey("speaker_profiles.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("speaker_topics.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)
    topic: Mapped[SpeakerTopic] = relationship()


class SpeakerRequest(HasUuid, Model):
    """Someone outside (no account needed) asking LEAP for a speaker."""
    __tablename__ = "speaker_requests"
    __table_args__ = (Index("ix_speaker_requests_status", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A random key the form carries: the same form posted twice is one request.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=RequestStatus.NEW)
    organisation: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254), index=True)
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    event_type: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime]                                    # UTC
    ends_at: Mapped[datetime]                                      # UTC
    timezone: Mapped[str] = mapped_column(String(64))
    online: Mapped[bool] = mapped_column(default=False)
    venue: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))           # where it is; for online, the audience's state
    audience: Mapped[str] = mapped_column(String(300))             # who will be there
    audience_size: Mapped[int]
    format: Mapped[str] = mapped_column(String(12))                # a Format code
    language: Mapped[str] = mapped_column(String(40), default="English")
    press_expected: Mapped[bool] = mapped_column(default=False)
    fee_offered: Mapped[str | None] = mapped_column(String(200))   # fee or travel offered, in their words
    notes: Mapped[str | None] = mapped_column(Text)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    booked_profile_id: Mapped[int | None] = mapped_column(ForeignKey("speaker_profiles.id", ondelete="SET NULL"),
                                                          index=True)
    booked_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(300))  # why cancelled / no speaker
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    topic_links: Mapped[list["SpeakerRequestTopic"]] = relationship(cascade="all, delete-orphan")
    booked_profile: Mapped[SpeakerProfile | None] = relationship()

    @property
    def status_label(self) -> str:
        return RequestStatus.LABELS.get(self.status, self.status)

    @property
    def event_type_label(self) -> str:
        return EventType.LABELS.get(self.event_type, self.event_type)

    @property
    def format_label(self) -> str:
        return Format.LABELS.get(self.format, self.format)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def topic_ids(self) -> set[int]:
        return {link.topic_id for link in self.topic_links}

    @property
    def is_open(self) -> bool:
        return self.status in RequestStatus.OPEN


class SpeakerRequestTopic(Model):
    __tablename__ = "speaker_request_topics"

    request_id: Mapped[int] = mapped_column(ForeignKey("speaker_requests.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("speaker_topics.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)
    topic: Mapped[SpeakerTopic] = relationship()


class SpeakerInvitation(Model):
    """Staff asking one speaker to take one request; the first acceptance books it."""
    __tablename__ = "speaker_invitations"
    __table_args__ = (UniqueConstraint("request_id", "profile_id"),
                      Index("ix_speaker_invitations_profile", "profile_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("speaker_requests.id", ondelete="CASCADE"))
    profile_id: Mapped[int] = mapped_column(ForeignKey("speaker_profiles.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default=InvitationStatus.INVITED)
    message: Mapped[str | None] = mapped_column(Text)             # staff's note to the speaker
    decline_reason: Mapped[str | None] = mapped_column(Text)
    invited_by_label: Mapped[str] = mapped_column(String(300))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    request: Mapped[SpeakerRequest] = relationship()
    profile: Mapped[SpeakerProfile] = relationship()

    @property
    def status_label(self) -> str:
        return InvitationStatus.LABELS.get(self.status, self.status)


class EngagementReport(Model):
    """What the speaker tells staff after the engagement: one per request."""
    __tablename__ = "speaker_engagement_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("speaker_requests.id", ondelete="CASCADE"), unique=True)
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("speaker_profiles.id", ondelete="SET NULL"))
    attendance: Mapped[int]
    audience_type: Mapped[str] = mapped_column(String(20))        # an EventType code
    media_links: Mapped[list] = mapped_column(JSON, default=list)  # coverage URLs
    follow_ups: Mapped[str | None] = mapped_column(Text)           # "the sheriff wants a training"
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class RequesterFeedback(Model):
    """The requester's short feedback, through the signed link: one per request."""
    __tablename__ = "speaker_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("speaker_requests.id", ondelete="CASCADE"), unique=True)
    rating: Mapped[int]                                            # 1 (poor) to 5 (excellent)
    would_invite_again: Mapped[bool]
    comments: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class SpeakerHistory(Model):
    """One step of a request (and, with ``member_id``, of the speaker's own history)."""
    __tablename__ = "speaker_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("speaker_requests.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))     # "requested", "invited", "booked", "profile-approved", ...
    text: Mapped[str] = mapped_column(Text)
    actor_label: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
