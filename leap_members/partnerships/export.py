"""The columns of the agreements CSV export (written by core.csvsafe.csv_response)."""
from datetime import date

from . import lifecycle
from .history import LEAP_SHORT_NAME
from .models import Agreement

EXPORT_HEADER = [
    "Reference", "Status", "Ended by", "Party A", "Party A kind", "Party B", "Party B kind", "Governing state",
    "Signed on", "Term (years)", "Term ends on", "Notice period (days)", "Notice received on", "Notice given by",
    "Notice period ends on", "Ends on", "Days left", "Party A signatory", "Party A signatory title",
    "Party B signatory", "Party B signatory title", "Renews", "Renewed by", "Purpose",
]


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _kind(agreement: Agreement, side: str) -> str:
    partner = agreement.partner_for(side)
    return partner.kind_label if partner else "LEAP"


def export_row(agreement: Agreement, today: date) -> list:
    """One agreement as a CSV row; dates as YYYY-MM-DD so spreadsheets sort them."""
    status = agreement.status_on(today)
    days = lifecycle.days_left(agreement.ends_on, today) if status in (lifecycle.ACTIVE, lifecycle.NOTICE_GIVEN) else None
    return [
        agreement.reference, lifecycle.STATUS_LABELS[status],
        agreement.end_reason if status == lifecycle.ENDED else "",
        agreement.party_name("a", LEAP_SHORT_NAME), _kind(agreement, "a"),
        agreement.party_name("b", LEAP_SHORT_NAME), _kind(agreement, "b"),
        agreement.governing_state or "", _iso(agreement.signed_on), agreement.term_years, _iso(agreement.term_ends_on),
        agreement.notice_days, _iso(agreement.notice_received_on),
        f"Party {agreement.notice_given_by.upper()}" if agreement.notice_given_by else "",
        _iso(agreement.notice_ends_on), _iso(agreement.ends_on), days,
        agreement.signatory_a_name, agreement.signatory_a_title, agreement.signatory_b_name, agreement.signatory_b_title,
        agreement.renewed_from.reference if agreement.renewed_from else "",
        agreement.renewal.reference if agreement.renewal else "",
        agreement.purpose,
    ]
