"""What makes an agreement's data acceptable: one place, used by the forms' views and the services."""
from dataclasses import dataclass, fields
from datetime import date

from . import lifecycle

DEFAULT_PURPOSE = ("The Parties enter into this Agreement to strengthen collaboration between "
                   "law-enforcement agencies and the communities they serve, and to promote effective "
                   "crime prevention.")
DEFAULT_PARTY_A_RESPONSIBILITIES = ("Coordinate training programmes.\n"
                                    "Provide resources for the programmes and activities under this Agreement.")
DEFAULT_PARTY_B_RESPONSIBILITIES = ("Liaise with community organisations.\n"
                                    "Advocate for policy reform.")


def long_date(value: date | None) -> str:
    """March 1, 2027: the one way dates are written in messages and documents."""
    return value.strftime("%B %-d, %Y") if value else ""


@dataclass
class AgreementTerms:
    """The terms staff type in; a party id of None means LEAP."""
    party_a_partner_id: int | None
    party_b_partner_id: int | None
    purpose: str = DEFAULT_PURPOSE
    party_a_responsibilities: str = DEFAULT_PARTY_A_RESPONSIBILITIES
    party_b_responsibilities: str = DEFAULT_PARTY_B_RESPONSIBILITIES
    governing_state: str | None = None
    signed_on: date | None = None
    term_years: int = lifecycle.DEFAULT_TERM_YEARS
    notice_days: int = lifecycle.DEFAULT_NOTICE_DAYS
    signatory_a_name: str | None = None
    signatory_a_title: str | None = None
    signatory_b_name: str | None = None
    signatory_b_title: str | None = None


TERM_FIELDS = tuple(f.name for f in fields(AgreementTerms))
SIGNATORY_FIELDS = {
    "signatory_a_name": "Enter the name of the person who signed for Party A.",
    "signatory_a_title": "Enter the title of the person who signed for Party A.",
    "signatory_b_name": "Enter the name of the person who signed for Party B.",
    "signatory_b_title": "Enter the title of the person who signed for Party B.",
}


def terms_problems(terms: AgreementTerms, notice_received_on: date | None, today: date) -> dict[str, str]:
    """Field name -> what is wrong; empty when the terms can be saved.

    ``notice_received_on`` is the notice already on record, so that a change of signing
    date cannot put the notice before the signature.
    """
    problems: dict[str, str] = {}
    if terms.party_a_partner_id == terms.party_b_partner_id:
        problems["party_b"] = ("LEAP cannot sign an agreement with itself: choose a partner for one side."
                               if terms.party_a_partner_id is None else
                               "Party A and Party B are the same organisation: choose a different one for one side.")
    if not (1 <= terms.term_years <= lifecycle.MAX_TERM_YEARS):
        problems["term_years"] = (f"The term must be from 1 to {lifecycle.MAX_TERM_YEARS} years, "
                                  "so that the agreement ends after it starts.")
    if not (1 <= terms.notice_days <= lifecycle.MAX_NOTICE_DAYS):
        problems["notice_days"] = f"The notice period must be from 1 to {lifecycle.MAX_NOTICE_DAYS} days."
    if not (terms.purpose or "").strip():
        problems["purpose"] = "Describe the purpose of the agreement."
    for side in ("a", "b"):
        if not (getattr(terms, f"party_{side}_responsibilities") or "").strip():
            problems[f"party_{side}_responsibilities"] = f"List at least one responsibility of Party {side.upper()}."
    if terms.signed_on is not None:
        problems.update(_signed_problems(terms, terms.signed_on, notice_received_on, today))
    elif notice_received_on is not None:
        problems["signed_on"] = ("Notice is on record, so the agreement was signed: keep its signing date "
                                 "(withdraw the notice first if it was recorded in error).")
    return problems


def _signed_problems(terms: AgreementTerms, signed_on: date, notice_received_on: date | None,
                     today: date) -> dict[str, str]:
    problems = {}
    if signed_on > today:
        problems["signed_on"] = (f"The signing date, {long_date(signed_on)}, is in the future. Leave it "
                                 "empty while the agreement is a draft and enter it once both parties have signed.")
    elif notice_received_on is not None and notice_received_on < signed_on:
        problems["signed_on"] = (f"Notice was received on {long_date(notice_received_on)}, before this signing "
                                 "date: an agreement cannot be ended before it is signed.")
    elif (notice_received_on is not None and 1 <= terms.term_years <= lifecycle.MAX_TERM_YEARS
          and notice_received_on >= lifecycle.add_years(signed_on, terms.term_years)):
        problems["term_years"] = (f"Notice was received on {long_date(notice_received_on)}, after this term would "
                                  "have ended: keep a term that was still running when notice arrived.")
    if not terms.governing_state:
        problems["governing_state"] = "A signed agreement must name the state whose law governs it."
    for name, message in SIGNATORY_FIELDS.items():
        if not (getattr(terms, name) or "").strip():
            problems[name] = message + " A signed agreement needs both signatories."
    return problems


def notice_problems(signed_on: date | None, term_ends_on: date | None, notice_received_on: date | None,
                    given_by: str | None, today: date) -> dict[str, str]:
    """Field name -> what is wrong with recording this notice."""
    if signed_on is None or term_ends_on is None:
        return {"notice_received_on": "This agreement is a draft: record its signing date before any notice."}
    if notice_received_on is None:
        return {"notice_received_on": "Enter the date the written notice was received."}
    problems = {}
    if notice_received_on < signed_on:
        problems["notice_received_on"] = (f"Notice dated {long_date(notice_received_on)} is before the agreement "
                                          f"was signed on {long_date(signed_on)}.")
    elif notice_received_on > today:
        problems["notice_received_on"] = ("Notice cannot be dated in the future: enter the day the written "
                                          "notice was actually received.")
    elif notice_received_on >= term_ends_on:
        problems["notice_received_on"] = (f"The term ended on {long_date(term_ends_on)}; notice received then or "
                                          "later has no effect.")
    if given_by not in ("a", "b"):
        problems["given_by"] = "Choose which party gave notice."
    return problems
