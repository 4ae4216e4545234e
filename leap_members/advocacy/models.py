"""Advocacy actions, the officials a letter goes to, and members' sign-ups."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.identifiers import HasUuid
from ..core.timeutil import utcnow
from ..extensions import Model
from ..members.models import Member


class ActionKind:
    PETITION = "petition"
    LETTER = "letter"
    EVENT = "event"
    SPEAKING = "speaking"
    LABELS = {PETITION: "Petition", LETTER: "Letter to officials",
              EVENT: "Event or training", SPEAKING: "Speaking or volunteering"}


class ActionStatus:
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"
    LABELS = {DRAFT: "Draft", PUBLISHED: "Published", CLOSED: "Closed", ARCHIVED: "Archived"}


class SignupStatus:
    SIGNED = "signed"            # petition
    SENT = "sent"                # letter
    REGISTERED = "registered"    # event
    WAITLISTED = "waitlisted"    # event, full
    CANCELLED = "cancelled"      # event, the member left
    REMOVED = "removed"          # event, staff took the member off the list
    OFFERED = "offered"          # speaking, waiting for staff
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"      # speaking, the member withdrew
    # The member left the action: they may take it again. Every other status means they took it.
    OPEN_AGAIN = frozenset({CANCELLED, WITHDRAWN})
    # Statuses that mean the member is (still) taking part.
    ACTIVE = frozenset({SIGNED, SENT, REGISTERED, WAITLISTED, OFFERED, ACCEPTED})
    # Statuses the public counts show: signatures, letters, seats taken, offers.
    COUNTED = frozenset({SIGNED, SENT, REGISTERED, OFFERED, ACCEPTED})
    LABELS = {SIGNED: "Signed", SENT: "Letter sent", REGISTERED: "Registered",
              WAITLISTED: "On the waiting list", CANCELLED: "You left", REMOVED: "Removed by staff",
              OFFERED: "Offer waiting for staff", ACCEPTED: "Offer accepted", DECLINED: "Offer declined",
              WITHDRAWN: "Offer withdrawn"}


class Attendance:
    """Whether someone on an event's list came, as marked at check-in (None: not marked yet)."""
    PRESENT = "present"
    NO_SHOW = "no_show"
    LABELS = {PRESENT: "Present", NO_SHOW: "No-show"}


class Action(HasUuid, Model):
    """Something members can do: sign, write, attend or offer to speak."""
    __tablename__ = "actions"
    __table_args__ = (Index("ix_actions_status_kind", "status", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)          # public: shown to visitors with the link
    description: Mapped[str] = mapped_column(Text)      # members only
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    closes_at: Mapped[datetime | None]                 # UTC; sign-ups end here
    # Who may take part: comma-separated category codes (empty: everyone), verified only.
    allowed_categories: Mapped[str] = mapped_column(String(200), default="")
    verified_only: Mapped[bool] = mapped_column(default=False)
    # Petition.
    goal: Mapped[int | None]
    # Letter to officials.
    letter_subject: Mapped[str | None] = mapped_column(String(200))
    letter_template: Mapped[str | None] = mapped_column(Text)
    # Event or training.
    starts_at: Mapped[datetime | None] = mapped_column(index=True)   # UTC
    ends_at: Mapped[datetime | None]                                  # UTC
    online: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str | None] = mapped_column(String(300))
    private_details: Mapped[str | None] = mapped_column(Text)         # only for those registered
    capacity: Mapped[int | None]
    # A member who may check people in at the event (advocacy/checkin.py); staff always may.
    host_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    # Sign-ups in a COUNTED status by members with a confirmed e-mail; kept by tally.py.
    taking_part: Mapped[int] = mapped_column(default=0, server_default="0")

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]

    targets: Mapped[list["ActionTarget"]] = relationship(
        back_populates="action", order_by="ActionTarget.position", cascade="all, delete-orphan")
    host: Mapped[Member | None] = relationship(foreign_keys=[host_id])

    @property
    def kind_label(self) -> str:
        return ActionKind.LABELS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return ActionStatus.LABELS.get(self.status, self.status)

    @property
    def category_codes(self) -> list[str]:
        return [code for code in (self.allowed_categories or "").split(",") if code]

    @property
    def is_event(self) -> bool:
        return self.kind == ActionKind.EVENT

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def signup_deadline(self) -> datetime | None:
        """When sign-ups end: the closing time, or for an event its start if that is earlier."""
        ends = [t for t in (self.closes_at, self.starts_at if self.is_event else None) if t]
        return min(ends) if ends else None

    def accepts_signups(self, now: datetime | None = None) -> bool:
        deadline = self.signup_deadline
        return self.status == ActionStatus.PUBLISHED and (deadline is None or (now or utcnow()) < deadline)

    def has_started(self, now: datetime | None = None) -> bool:
        return bool(self.starts_at and (now or utcnow()) >= self.starts_at)

    def __repr__(self) -> str:
        return f"<Action {self.id} {self.kind} {self.slug}>"


class ActionTarget(Model):
    """An official a letter is addressed to."""
    __tablename__ = "action_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    office: Mapped[str | None] = mapped_column(String(300))

    action: Mapped[Action] = relationship(back_populates="targets")

    @property
    def label(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


class ActionSignup(HasUuid, Model):
    """One member's part in one action; at most one row per member and action."""
    __tablename__ = "action_signups"
    __table_args__ = (
        UniqueConstraint("action_id", "member_id"),
        Index("ix_action_signups_action_status", "action_id", "status", "queued_at"),
        Index("ix_action_signups_updated_at", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    # The old values are loaded when these change, for the counts kept on actions (tally.py).
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True,
                                           active_history=True)
    status: Mapped[str] = mapped_column(String(20), active_history=True)
    comment: Mapped[str | None] = mapped_column(Text)
    letter_subject: Mapped[str | None] = mapped_column(String(200))
    letter_body: Mapped[str | None] = mapped_column(Text)
    signature: Mapped[str | None] = mapped_column(String(300))   # name and city at the time of signing
    letters_emailed: Mapped[int] = mapped_column(default=0)
    availability: Mapped[str | None] = mapped_column(Text)
    topics: Mapped[str | None] = mapped_column(Text)
    staff_note: Mapped[str | None] = mapped_column(Text)          # shown to the member with a decision
    # Order on an event's waiting list: set when the member (re)joins.
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    # Event check-in (advocacy/checkin.py): present, no-show or not marked yet, who marked it and when.
    attendance: Mapped[str | None] = mapped_column(String(20))
    checked_in_at: Mapped[datetime | None]
    checked_in_by: Mapped[str | None] = mapped_column(String(300))   # "Name <e-mail>" of staff or the host
    # Came without a place (not registered, or on the waiting list) and was let in at the door.
    walk_in: Mapped[bool] = mapped_column(default=False, server_default=false())

    action: Mapped[Action] = relationship()
    member: Mapped[Member] = relationship()

    @property
    def status_label(self) -> str:
        return SignupStatus.LABELS.get(self.status, self.status)

    @property
    def is_active(self) -> bool:
        return self.status in SignupStatus.ACTIVE

    @property
    def attendance_label(self) -> str:
        return Attendance.LABELS.get(self.attendance or "", "Not checked in yet")

    def __repr__(self) -> str:
        return f"<ActionSignup {self.id} action={self.action_id} member={self.member_id} {self.status}>"


class EventGuest(Model):
    """Someone who came to an event without being a member, recorded at the door and invited to join.

    One row per address and event. ``member_id`` is set when someone joins with the address
    (advocacy/checkin.link_guests), so the visit shows on their record.
    """
    __tablename__ = "event_guests"
    __table_args__ = (UniqueConstraint("action_id", "email"), Index("ix_event_guests_email", "email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254))          # normalised, as members' addresses are
    phone: Mapped[str | None] = mapped_column(String(30))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_by: Mapped[str] = mapped_column(String(300))

    action: Mapped[Action] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __repr__(self) -> str:
        return f"<EventGuest {self.id} action={self.action_id}>"
