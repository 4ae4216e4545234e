"""Partners, the agreements LEAP signs with them, and the history of every change."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import Model
from . import lifecycle


class PartnerKind:
    AGENCY = "agency"
    COMMUNITY = "community"
    OTHER = "other"
    LABELS = {AGENCY: "Law-enforcement agency", COMMUNITY: "Community organisation", OTHER: "Other organisation"}
    # How the document describes a party of each kind.
    DESCRIPTIONS = {AGENCY: "a law-enforcement agency", COMMUNITY: "a community organisation",
                    OTHER: "an organisation"}


class Partner(Model):
    """An organisation LEAP signs agreements with (LEAP itself is never a row here)."""
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name folded to lower case with single spaces: one row per organisation.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    zip_code: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    contacts: Mapped[list["PartnerContact"]] = relationship(
        back_populates="partner", order_by="PartnerContact.id", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return PartnerKind.LABELS.get(self.kind, self.kind)

    @property
    def address_lines(self) -> list[str]:
        """Street, then "City, ST ZIP", leaving out what is not known."""
        place = ", ".join(part for part in (self.city, " ".join(p for p in (self.state, self.zip_code) if p)) if part)
        return [line for line in (self.street, place) if line]

    def __repr__(self) -> str:
        return f"<Partner {self.id} {self.name}>"


class PartnerContact(Model):
    """A person at a partner organisation."""
    __tablename__ = "partner_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partner: Mapped[Partner] = relationship(back_populates="contacts")


class Agreement(Model):
    """A partnership contract between Party A and Party B; a party with no partner row is LEAP.

    ``term_ends_on``, ``notice_ends_on`` and ``ends_on`` are derived from the signing and
    notice dates by ``lifecycle.schedule`` whenever the agreement is saved, so lists can
    filter on them; the status is never stored.
    """
    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint("party_a_partner_id IS NOT NULL OR party_b_partner_id IS NOT NULL", name="not_leap_twice"),
        CheckConstraint("party_a_partner_id IS NULL OR party_b_partner_id IS NULL "
                        "OR party_a_partner_id <> party_b_partner_id", name="parties_differ"),
        CheckConstraint(f"term_years BETWEEN 1 AND {lifecycle.MAX_TERM_YEARS}", name="term_years_range"),
        CheckConstraint(f"notice_days BETWEEN 1 AND {lifecycle.MAX_NOTICE_DAYS}", name="notice_days_range"),
        CheckConstraint("signed_on IS NULL OR governing_state IS NOT NULL", name="signed_has_state"),
        CheckConstraint("notice_received_on IS NULL OR (signed_on IS NOT NULL AND notice_received_on >= signed_on)",
                        name="notice_after_signing"),
        Index("ix_agreements_ends_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    party_a_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    party_b_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    party_a_responsibilities: Mapped[str] = mapped_column(Text)
    party_b_responsibilities: Mapped[str] = mapped_column(Text)
    governing_state: Mapped[str | None] = mapped_column(String(2), index=True)
    signed_on: Mapped[date | None] = mapped_column(Date)
    term_years: Mapped[int] = mapped_column(default=lifecycle.DEFAULT_TERM_YEARS)
    notice_days: Mapped[int] = mapped_column(default=lifecycle.DEFAULT_NOTICE_DAYS)
    notice_received_on: Mapped[date | None] = mapped_column(Date)
    notice_given_by: Mapped[str | None] = mapped_column(String(1))  # "a" or "b"
    signatory_a_name: Mapped[str | None] = mapped_column(String(200))
    signatory_a_title: Mapped[str | None] = mapped_column(String(200))
    signatory_b_name: Mapped[str | None] = mapped_column(String(200))
    signatory_b_title: Mapped[str | None] = mapped_column(String(200))
    term_ends_on: Mapped[date | None] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # A renewal is a new agreement pointing at the one it renews; at most one per agreement.
    renewed_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id"), unique=True)
    # The token of the form that created it: a form sent twice records one agreement.
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    party_a_partner: Mapped[Partner | None] = relationship(foreign_keys=[party_a_partner_id])
    party_b_partner: Mapped[Partner | None] = relationship(foreign_keys=[party_b_partner_id])
    renewed_from: Mapped["Agreement | None"] = relationship(
        remote_side=[id], foreign_keys=[renewed_from_id], back_populates="renewal")
    renewal: Mapped["Agreement | None"] = relationship(
        foreign_keys=[renewed_from_id], back_populates="renewed_from", uselist=False)

    @property
    def reference(self) -> str:
        return reference_for(self.id)

    def partner_for(self, side: str) -> Partner | None:
        return self.party_a_partner if side == "a" else self.party_b_partner

    def party_name(self, side: str, leap_name: str) -> str:
        partner = self.partner_for(side)
        return partner.name if partner else leap_name

    def status_on(self, today: date) -> str:
        return lifecycle.status(self.signed_on, self.notice_received_on, self.ends_on, today)

    @property
    def end_reason(self) -> str | None:
        return lifecycle.end_reason(self.term_ends_on, self.notice_ends_on)

    def __repr__(self) -> str:
        return f"<Agreement {self.reference}>"


def reference_for(agreement_id: int | None) -> str:
    """The reference printed on the document and in e-mails, e.g. LEAP-PA-0007."""
    return f"LEAP-PA-{agreement_id:04d}" if agreement_id else "LEAP-PA-(new)"


class PartnershipChange(Model):
    """One recorded change to a partner or an agreement: who, when, what."""
    __tablename__ = "partnership_changes"
    __table_args__ = (Index("ix_partnership_changes_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    # The name at the time, so the record still reads right if the account goes.
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement | None] = relationship()
    partner: Mapped[Partner | None] = relationship()
