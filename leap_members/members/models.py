"""Members and the consents they gave."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..core.identifiers import HasUuid
from ..core.timeutil import utcnow
from ..extensions import Model
from .categories import CATEGORIES, PROFESSIONAL_CODES


def phone_digits(number: str | None) -> str | None:
    """The digits of a phone number, without a US number's leading 1; None when it has none."""
    digits = "".join(character for character in number or "" if character.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits[:30] or None


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Role:
    MEMBER = "member"
    STAFF = "staff"
    ADMIN = "admin"
    ALL = (MEMBER, STAFF, ADMIN)


class MembershipStatus:
    ACTIVE = "active"
    LAPSED = "lapsed"
    SUSPENDED = "suspended"
    MERGED = "merged"
    ALL = (ACTIVE, LAPSED, SUSPENDED, MERGED)


class Verification:
    NOT_APPLICABLE = "not_applicable"
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    ALL = (NOT_APPLICABLE, PENDING, VERIFIED, REJECTED)


class Member(HasUuid, UserMixin, Model):
    __tablename__ = "members"
    # One index per directory sort (admin/filters.SORTS), ending with the id that breaks ties, so a
    # page is read in order from the index instead of sorting every match (PostgreSQL; SQLite's
    # indexes end with the rowid anyway).
    __table_args__ = (
        Index("ix_members_last_first", "last_name", "first_name", "id"),
        Index("ix_members_created_at", "created_at", "id"),
        Index("ix_members_category_status", "category", "status", "id"),
        Index("ix_members_state_zip", "state", "zip_code", "id"),
        Index("ix_members_verification", "verification", "id"),
        # The API pages people by when they last changed (api/paging.py).
        Index("ix_members_updated_at", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2))
    zip_code: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(30))
    # The phone number's digits, US numbers without the leading 1: how the API matches a person by
    # phone whatever the punctuation ("(555) 010-0100" is "+1 555 010 0100"). Kept by set_phone_digits.
    phone_digits: Mapped[str | None] = mapped_column(String(30), index=True)
    category: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str | None] = mapped_column(String(200))
    role_title: Mapped[str | None] = mapped_column(String(200))
    years_of_service: Mapped[int | None]
    affiliation_private: Mapped[bool] = mapped_column(default=False)
    email_updates: Mapped[bool] = mapped_column(default=False)
    # Other tools' fields (the API's custom_fields): names and values they chose, kept as given.
    custom_fields: Mapped[dict] = mapped_column(JSON, default=dict)

    email_confirmed_at: Mapped[datetime | None] = mapped_column(active_history=True)  # see advocacy/tally.py
    pending_email: Mapped[str | None] = mapped_column(String(254))
    verification: Mapped[str] = mapped_column(String(20), default=Verification.NOT_APPLICABLE)
    verified_at: Mapped[datetime | None]
    verification_note: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(10), default=Role.MEMBER)
    status: Mapped[str] = mapped_column(String(12), default=MembershipStatus.ACTIVE)
    # Part of the login cookie; replacing it ends every session of this member.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None]

    consents: Mapped[list["Consent"]] = relationship(back_populates="member", order_by="Consent.id")

    @validates("phone")
    def set_phone_digits(self, key: str, value: str | None) -> str | None:
        self.phone_digits = phone_digits(value)
        return value

    # Flask-Login identity: id plus the session token, so a rotated token
    # makes every copied old cookie useless.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def category_info(self):
        return CATEGORIES[self.category]

    @property
    def is_professional(self) -> bool:
        return self.category in PROFESSIONAL_CODES

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_verified(self) -> bool:
        return self.verification == Verification.VERIFIED

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_active_member(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_active(self) -> bool:  # Flask-Login: suspended and merged records cannot log in
        return self.status not in (MembershipStatus.SUSPENDED, MembershipStatus.MERGED)

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.email}>"


class Consent(Model):
    """A record of what a member agreed to, in the words shown, when and where."""
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    granted: Mapped[bool]
    wording: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    member: Mapped[Member] = relationship(back_populates="consents")
