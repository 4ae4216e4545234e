"""The agreement as a document: one structure, rendered as text, as HTML and as PDF.

Every rendering reads the same ``AgreementDocument``, so the printed page, the PDF and
the text compared in tests always carry the same words for the same data.
"""
import re
from dataclasses import dataclass

from flask import current_app

from . import wording
from .models import Agreement, Partner, PartnerKind
from .rules import long_date

BLANK = "__________________"
TITLE = "Partnership Agreement"
ARBITRATION = ("Any controversy or claim arising out of or relating to this Agreement, or its breach, shall be "
               "settled by arbitration administered by the American Arbitration Association in accordance with "
               "its rules, and judgment on the award rendered by the arbitrator(s) may be entered in any court "
               "having jurisdiction.")
# Markers staff may type before a responsibility: "-", "•", "(a)", "a)", "1." or "1)".
_BULLET = re.compile(r"^\s*(?:[-*•·]|\([a-z]\)|[a-z]\)|\d{1,2}[.)])\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    number: str
    text: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    number: int
    heading: str
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class SignatureBlock:
    label: str
    party: str
    name: str
    title: str
    date: str


@dataclass(frozen=True)
class AgreementDocument:
    title: str
    reference: str
    draft_note: str | None
    introduction: str
    parties: tuple[str, str]
    conclusion: str
    articles: tuple[Article, ...]
    signing_intro: str
    signatures: tuple[SignatureBlock, SignatureBlock]


@dataclass(frozen=True)
class LeapParty:
    """How LEAP names itself in a contract."""
    legal_name: str
    address: str

    @classmethod
    def from_config(cls) -> "LeapParty":
        config = current_app.config
        return cls(config.get("ORG_LEGAL_NAME") or config["ORG_NAME"], (config.get("ORG_ADDRESS") or "").strip())


def item_letter(index: int) -> str:
    return f"({chr(ord('a') + index)})" if index < 26 else f"({index + 1})"


def lines_of(text: str | None) -> list[str]:
    """Non-empty lines, without any bullet or (a)/1. marker staff typed in front."""
    return [_BULLET.sub("", line).strip() for line in (text or "").splitlines() if line.strip()]


def _or_blank(value: str | None) -> str:
    return value.strip() if value and value.strip() else BLANK


def _party_name(partner: Partner | None, leap: LeapParty) -> str:
    return partner.name if partner else leap.legal_name


def _party_description(partner: Partner | None, leap: LeapParty) -> str:
    if partner is None:
        return f"{leap.legal_name}, a nonprofit organisation, of {_or_blank(leap.address)}"
    address = ", ".join(partner.address_lines)
    return f"{partner.name}, {PartnerKind.DESCRIPTIONS.get(partner.kind, 'an organisation')}, of {_or_blank(address)}"


def build_document(agreement: Agreement, leap: LeapParty) -> AgreementDocument:
    """The filled-in agreement; anything not yet known is a blank line to fill by hand."""
    party_a, party_b = agreement.party_a_partner, agreement.party_b_partner
    signed = long_date(agreement.signed_on) or BLANK
    return AgreementDocument(
        title=TITLE,
        reference=f"Agreement {agreement.reference}",
        draft_note=None if agreement.signed_on else "DRAFT — not yet signed",
        introduction="This Partnership Agreement (the “Agreement”) is made between:",
        parties=(f"Party A: {_party_description(party_a, leap)}; and",
                 f"Party B: {_party_description(party_b, leap)},"),
        conclusion="together “the Parties”, who agree as follows.",
        articles=(
            Article(1, "Purpose", tuple(Clause(f"1.{n}", text)
                                        for n, text in enumerate(lines_of(agreement.purpose), start=1))),
            Article(2, "Responsibilities", (
                Clause("2.1", "Party A undertakes the following:", tuple(lines_of(agreement.party_a_responsibilities))),
                Clause("2.2", "Party B undertakes the following:", tuple(lines_of(agreement.party_b_responsibilities))),
            )),
            Article(3, "Term and termination", _term_clauses(agreement, signed)),
            Article(4, "Governing law", (Clause("4.1", "This Agreement is governed by and construed in accordance "
                                                       f"with the laws of {_governing_law(agreement)}."),)),
            Article(5, "Dispute resolution", (Clause("5.1", ARBITRATION),)),
        ),
        signing_intro="Signed by the authorised representatives of the Parties:",
        signatures=(
            SignatureBlock("Party A", _party_name(party_a, leap), _or_blank(agreement.signatory_a_name),
                           _or_blank(agreement.signatory_a_title), signed),
            SignatureBlock("Party B", _party_name(party_b, leap), _or_blank(agreement.signatory_b_name),
                           _or_blank(agreement.signatory_b_title), signed),
        ),
    )


def _term_clauses(agreement: Agreement, signed: str) -> tuple[Clause, ...]:
    term_end = long_date(agreement.term_ends_on) or BLANK
    clauses = [
        Clause("3.1", f"This Agreement takes effect on the date it is signed, {signed}, and runs for a term of "
                      f"{wording.counted(agreement.term_years, 'year')}, ending on {term_end}."),
        Clause("3.2", "Either Party may terminate this Agreement by written notice delivered to the other Party "
                      "at its address stated above. Termination takes effect "
                      f"{wording.counted(agreement.notice_days, 'day')} after the notice is received, or at the "
                      "end of the term if that comes sooner."),
    ]
    if agreement.renewed_from is not None:
        clauses.append(Clause("3.3", f"This Agreement renews Agreement {agreement.renewed_from.reference} "
                                     "between the Parties."))
    return tuple(clauses)


def _governing_law(agreement: Agreement) -> str:
    return wording.jurisdiction(agreement.governing_state) if agreement.governing_state else BLANK


def as_text(document: AgreementDocument) -> str:
    """The document as plain text: what tests compare and what the other renderings contain."""
    lines = [document.title.upper(), document.reference]
    if document.draft_note:
        lines.append(document.draft_note)
    lines += ["", document.introduction, *document.parties, document.conclusion]
    for article in document.articles:
        lines += ["", f"Article {article.number}. {article.heading}"]
        for clause in article.clauses:
            lines.append(f"{clause.number} {clause.text}")
            lines += [f"{item_letter(i)} {item}" for i, item in enumerate(clause.items)]
    lines += ["", document.signing_intro]
    for block in document.signatures:
        lines += ["", f"{block.label}: {block.party}", f"Signature: {BLANK}", f"Name: {block.name}",
                  f"Title: {block.title}", f"Date: {block.date}"]
    return "\n".join(lines) + "\n"
