"""The change history of partners and agreements: who changed what, and when."""
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..members.geography import US_STATES
from .models import Agreement, Partner, PartnerKind, PartnershipChange
from .rules import long_date

LEAP_SHORT_NAME = "LEAP"
SYSTEM_ACTOR = "System (command line)"

AGREEMENT_LABELS = {
    "party_a_partner_id": "Party A", "party_b_partner_id": "Party B", "purpose": "Purpose",
    "party_a_responsibilities": "Party A responsibilities", "party_b_responsibilities": "Party B responsibilities",
    "governing_state": "Governing state", "signed_on": "Signing date", "term_years": "Term (years)",
    "notice_days": "Notice period (days)", "signatory_a_name": "Party A signatory",
    "signatory_a_title": "Party A signatory's title", "signatory_b_name": "Party B signatory",
    "signatory_b_title": "Party B signatory's title",
}
PARTNER_LABELS = {
    "name": "Name", "kind": "Kind", "street": "Street", "city": "City", "state": "State", "zip_code": "ZIP code",
    "phone": "Phone", "email": "E-mail", "notes": "Notes",
}


def describe(name: str, value) -> str:
    """A value as staff read it in the history."""
    if value is None or value == "":
        return "(none)"
    if name.endswith("_partner_id"):
        partner = db.session.get(Partner, value)
        return partner.name if partner else f"partner #{value}"
    if name == "kind":
        return PartnerKind.LABELS.get(value, value)
    if name in ("governing_state", "state"):
        return US_STATES.get(value, value)
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, str) and "\n" in value:
        return "“" + " / ".join(line for line in value.splitlines() if line.strip()) + "”"
    return str(value)


def diff(labels: dict[str, str], before: dict, after: dict) -> list[str]:
    """One line per field that changed: "Label: old → new"."""
    return [f"{label}: {describe(name, before.get(name))} → {describe(name, after.get(name))}"
            for name, label in labels.items() if before.get(name) != after.get(name)]


def actor_name(actor) -> str:
    return f"{actor.full_name} ({actor.email})" if actor is not None else SYSTEM_ACTOR


def record(action: str, actor, *, agreement: Agreement | None = None, partner: Partner | None = None,
           details: list[str] | str = "") -> PartnershipChange:
    """Add a history entry inside the caller's transaction."""
    if isinstance(details, list):
        details = "\n".join(details)
    change = PartnershipChange(agreement=agreement, partner=partner, action=action, details=details,
                               actor_id=actor.id if actor is not None else None, actor_name=actor_name(actor))
    db.session.add(change)
    return change


def changes_for_agreement(agreement_id: int) -> list[PartnershipChange]:
    return list(db.session.scalars(select(PartnershipChange).where(PartnershipChange.agreement_id == agreement_id)
                              .order_by(PartnershipChange.created_at.desc(), PartnershipChange.id.desc())))


def changes_for_partner(partner_id: int) -> list[PartnershipChange]:
    return list(db.session.scalars(select(PartnershipChange).where(PartnershipChange.partner_id == partner_id)
                              .order_by(PartnershipChange.created_at.desc(), PartnershipChange.id.desc())))
