"""Recording partners and agreements: every change validated first, then applied and recorded.

Services only flush; the view commits once. Nothing is changed before the whole change
has been checked, so a refused change leaves no trace.
"""
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..core.database import rows_changed
from ..core.registry import dashboard_panel, merge_step
from ..extensions import db
from . import history, lifecycle
from .clock import local_today
from .models import Agreement, Partner, PartnerContact, PartnershipChange
from .queries import DIGEST_WINDOW_DAYS, ending_within, status_counts
from .rules import TERM_FIELDS, AgreementTerms, long_date, notice_problems, terms_problems

PARTNER_FIELDS = ("name", "kind", "street", "city", "state", "zip_code", "phone", "email", "notes")
CONTACT_FIELDS = ("name", "title", "email", "phone")


class AgreementInvalid(ValueError):
    """The change was refused; ``problems`` maps field names to messages."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class PartnerNameTaken(ValueError):
    """Another partner already has this name."""

    def __init__(self, existing: Partner | None):
        super().__init__("partner name taken")
        self.existing = existing


class AlreadySubmitted(ValueError):
    """This form was already sent and recorded ``agreement``."""

    def __init__(self, agreement: Agreement):
        super().__init__(f"already recorded as {agreement.reference}")
        self.agreement = agreement


class AlreadyRenewed(ValueError):
    """The agreement already has a renewal."""

    def __init__(self, renewal: Agreement | None):
        super().__init__(f"already renewed by {renewal.reference}" if renewal else "already renewed")
        self.renewal = renewal


# Partners ------------------------------------------------------------------------------------

def name_key(name: str) -> str:
    """The name as compared for duplicates: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


def find_partner_by_name(name: str) -> Partner | None:
    return db.session.scalar(select(Partner).where(Partner.name_key == name_key(name)))


def create_partner(fields: dict, actor) -> Partner:
    """Add a partner from declared form fields. Raises PartnerNameTaken, even when two requests race."""
    existing = find_partner_by_name(fields["name"])
    if existing is not None:
        raise PartnerNameTaken(existing)
    partner = Partner(**{name: fields.get(name) or None for name in PARTNER_FIELDS})
    partner.name_key = name_key(partner.name)
    _flush_unique_name(partner)
    history.record("partner-created", actor, partner=partner,
                   details=[f"{label}: {history.describe(name, getattr(partner, name))}"
                            for name, label in history.PARTNER_LABELS.items() if getattr(partner, name)])
    return partner


def update_partner(partner: Partner, fields: dict, actor) -> bool:
    """Copy declared fields; record what changed. Returns False when nothing did."""
    before = {name: getattr(partner, name) for name in PARTNER_FIELDS}
    after = {name: fields.get(name) or None for name in PARTNER_FIELDS}
    changes = history.diff(history.PARTNER_LABELS, before, after)
    if not changes:
        return False
    existing = find_partner_by_name(after["name"] or "")
    if existing is not None and existing.id != partner.id:
        raise PartnerNameTaken(existing)
    for name, value in after.items():
        setattr(partner, name, value)
    partner.name_key = name_key(partner.name)
    _flush_unique_name(partner)
    history.record("partner-edited", actor, partner=partner, details=changes)
    return True


def _flush_unique_name(partner: Partner) -> None:
    # The unique index decides when two requests add the same name at once.
    try:
        with db.session.begin_nested():
            db.session.add(partner)
            db.session.flush()
    except IntegrityError as exc:
        raise PartnerNameTaken(None) from exc


def add_contact(partner: Partner, fields: dict, actor) -> PartnerContact:
    """Add a contact person from declared form fields, and record it."""
    contact = PartnerContact(partner=partner, **{name: fields.get(name) or None for name in CONTACT_FIELDS})
    db.session.add(contact)
    db.session.flush()
    history.record("contact-added", actor, partner=partner, details=_contact_line(contact))
    return contact


def remove_contact(partner: Partner, contact: PartnerContact, actor) -> None:
    """Delete a contact person; the history keeps who they were."""
    history.record("contact-removed", actor, partner=partner, details=_contact_line(contact))
    partner.contacts.remove(contact)
    db.session.flush()


def _contact_line(contact: PartnerContact) -> str:
    return " · ".join(part for part in (contact.name, contact.title, contact.email, contact.phone) if part)


# Agreements ----------------------------------------------------------------------------------

def create_agreement(terms: AgreementTerms, actor, today: date, renewed_from: Agreement | None = None,
                     submission_token: str | None = None) -> Agreement:
    """Record a new agreement (a draft until it has a signing date).

    Raises AgreementInvalid, or AlreadySubmitted when ``submission_token`` was used before
    (a form sent twice), even when both copies arrive at once.
    """
    _check(terms, None, today)
    if submission_token:
        _refuse_resubmission(submission_token)
    # Linked by id, not through the relationship: the backref would put the new row into
    # the session's flush before it is added inside the savepoint below.
    agreement = Agreement(**{name: getattr(terms, name) for name in TERM_FIELDS},
                          renewed_from_id=renewed_from.id if renewed_from is not None else None,
                          submission_token=submission_token, created_by_id=actor.id if actor is not None else None)
    _reschedule(agreement)
    try:
        with db.session.begin_nested():
            db.session.add(agreement)
            db.session.flush()
    except IntegrityError:
        if submission_token:
            _refuse_resubmission(submission_token)
        raise
    if renewed_from is not None:
        db.session.expire(renewed_from, ["renewal"])
    lines = [f"{label}: {history.describe(name, getattr(terms, name))}"
             for name, label in history.AGREEMENT_LABELS.items()]
    if renewed_from is not None:
        lines.insert(0, f"Renews {renewed_from.reference}")
    history.record("created", actor, agreement=agreement, details=lines)
    return agreement


def update_agreement(agreement: Agreement, terms: AgreementTerms, actor, today: date) -> bool:
    """Apply edited terms and record the differences. Raises AgreementInvalid; False if nothing changed."""
    _check(terms, agreement.notice_received_on, today)
    before = {name: getattr(agreement, name) for name in TERM_FIELDS}
    after = {name: getattr(terms, name) for name in TERM_FIELDS}
    changes = history.diff(history.AGREEMENT_LABELS, before, after)
    if not changes:
        return False
    for name, value in after.items():
        setattr(agreement, name, value)
    _reschedule(agreement)
    db.session.flush()
    action = "signed" if before["signed_on"] is None and after["signed_on"] is not None else "edited"
    history.record(action, actor, agreement=agreement, details=changes + _schedule_lines(agreement))
    return True


def record_notice(agreement: Agreement, received_on: date | None, given_by: str | None, actor, today: date) -> None:
    """Record written notice of termination; the agreement then ends at the earlier of notice end and term end."""
    if agreement.notice_received_on is not None:
        raise AgreementInvalid({"notice_received_on": "Notice is already on record. Withdraw it first if it "
                                                      "was recorded in error."})
    if agreement.ends_on is not None and agreement.ends_on <= today:
        raise AgreementInvalid({"notice_received_on": f"This agreement already ended on "
                                                      f"{long_date(agreement.ends_on)}."})
    problems = notice_problems(agreement.signed_on, agreement.term_ends_on, received_on, given_by, today)
    if problems or received_on is None or given_by is None:   # notice_problems names a missing date or party
        raise AgreementInvalid(problems)
    agreement.notice_received_on = received_on
    agreement.notice_given_by = given_by
    _reschedule(agreement)
    db.session.flush()
    party = agreement.party_name(given_by, history.LEAP_SHORT_NAME)
    history.record("notice-recorded", actor, agreement=agreement,
                   details=[f"Written notice received {long_date(received_on)} from Party {given_by.upper()} "
                            f"({party})"] + _schedule_lines(agreement))


def withdraw_notice(agreement: Agreement, actor, today: date) -> None:
    """Take back notice recorded in error or withdrawn by the parties before it took effect."""
    if agreement.notice_received_on is None:
        raise AgreementInvalid({"notice_received_on": "There is no notice on record."})
    if agreement.ends_on is not None and agreement.ends_on <= today:
        raise AgreementInvalid({"notice_received_on": f"The agreement already ended on "
                                                      f"{long_date(agreement.ends_on)}; the notice stays on record."})
    details = f"Notice received {long_date(agreement.notice_received_on)} withdrawn"
    agreement.notice_received_on = None
    agreement.notice_given_by = None
    _reschedule(agreement)
    db.session.flush()
    history.record("notice-withdrawn", actor, agreement=agreement, details=[details] + _schedule_lines(agreement))


def renew_agreement(agreement: Agreement, actor, today: date) -> Agreement:
    """A new draft with the same terms, linked to this one. Raises AlreadyRenewed or AgreementInvalid."""
    if agreement.renewal is not None:
        raise AlreadyRenewed(agreement.renewal)
    if agreement.signed_on is None:
        raise AgreementInvalid({"renewal": "A draft cannot be renewed: edit it instead."})
    terms = AgreementTerms(**{name: getattr(agreement, name) for name in TERM_FIELDS})
    terms.signed_on = None  # the renewal is signed afresh
    try:
        with db.session.begin_nested():
            renewal = create_agreement(terms, actor, today, renewed_from=agreement)
    except IntegrityError as exc:  # another request renewed it at the same moment
        db.session.expire(agreement)
        raise AlreadyRenewed(agreement.renewal) from exc
    history.record("renewed", actor, agreement=agreement, details=f"Renewal drafted as {renewal.reference}")
    return renewal


def _refuse_resubmission(token: str) -> None:
    earlier = db.session.scalar(select(Agreement).where(Agreement.submission_token == token))
    if earlier is not None:
        raise AlreadySubmitted(earlier)


def _check(terms: AgreementTerms, notice_received_on: date | None, today: date) -> None:
    problems = terms_problems(terms, notice_received_on, today)
    for side in ("a", "b"):
        partner_id = getattr(terms, f"party_{side}_partner_id")
        if partner_id is not None and db.session.get(Partner, partner_id) is None:
            problems[f"party_{side}"] = "Choose a partner from the list."
    if problems:
        raise AgreementInvalid(problems)


def _reschedule(agreement: Agreement) -> None:
    dates = lifecycle.schedule(agreement.signed_on, agreement.term_years, agreement.notice_received_on,
                               agreement.notice_days)
    agreement.term_ends_on, agreement.notice_ends_on, agreement.ends_on = (
        dates.term_ends_on, dates.notice_ends_on, dates.ends_on)


def _schedule_lines(agreement: Agreement) -> list[str]:
    if agreement.ends_on is None:
        return ["Now a draft: no end date"]
    return [f"Ends on {long_date(agreement.ends_on)}"]


# Contributions to other features -------------------------------------------------------------

@merge_step
def move_partnership_authorship(source_member_id: int, target_member_id: int) -> dict[str, int]:
    """When two staff records merge, the history keeps pointing at the surviving one."""
    moved = rows_changed(update(PartnershipChange).where(PartnershipChange.actor_id == source_member_id)
                         .values(actor_id=target_member_id))
    db.session.execute(update(Agreement).where(Agreement.created_by_id == source_member_id)
                       .values(created_by_id=target_member_id))
    return {"partnership history entries": moved} if moved else {}


@dashboard_panel
def partnerships_panel() -> tuple[str, dict]:
    """Agreements by status and those ending within 90 days, for the staff dashboard."""
    today = local_today()
    return "partnerships/_dashboard_panel.html", {
        "partnership_counts": status_counts(today),
        "partnership_ending": ending_within(today, DIGEST_WINDOW_DAYS, limit=10),
        "partnership_today": today,
        "partnership_window": DIGEST_WINDOW_DAYS,
    }
