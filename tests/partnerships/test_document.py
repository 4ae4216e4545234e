"""The agreement document: the same words every time, the same in text, on the printed page and in the PDF."""
import html
import re
from datetime import date, datetime

import pytest

from leap_members.partnerships import lifecycle
from leap_members.partnerships.document import BLANK, LeapParty, as_text, build_document
from leap_members.partnerships.models import Agreement, Partner
from leap_members.partnerships.pdf import render_pdf
from leap_members.partnerships.rules import AgreementTerms
from leap_members.partnerships.services import create_agreement
from tests.partnerships.pdftext import pdf_text

LEAP = LeapParty("Law Enforcement Action Partnership, Inc.", "121 Mystic Avenue, Medford, MA 02155")

EXPECTED = """\
PARTNERSHIP AGREEMENT
Agreement LEAP-PA-0007

This Partnership Agreement (the “Agreement”) is made between:
Party A: Law Enforcement Action Partnership, Inc., a nonprofit organisation, of 121 Mystic Avenue, Medford, MA 02155; and
Party B: Springfield Police Department, a law-enforcement agency, of 800 East Monroe Street, Springfield, IL 62701,
together “the Parties”, who agree as follows.

Article 1. Purpose
1.1 The Parties enter into this Agreement to strengthen collaboration between law-enforcement agencies and the communities they serve, and to promote effective crime prevention.

Article 2. Responsibilities
2.1 Party A undertakes the following:
(a) Coordinate training programmes.
(b) Provide resources for the programmes and activities under this Agreement.
2.2 Party B undertakes the following:
(a) Liaise with community organisations.
(b) Advocate for policy reform.

Article 3. Term and termination
3.1 This Agreement takes effect on the date it is signed, February 29, 2024, and runs for a term of three (3) years, ending on February 28, 2027.
3.2 Either Party may terminate this Agreement by written notice delivered to the other Party at its address stated above. Termination takes effect ninety (90) days after the notice is received, or at the end of the term if that comes sooner.

Article 4. Governing law
4.1 This Agreement is governed by and construed in accordance with the laws of the State of Illinois.

Article 5. Dispute resolution
5.1 Any controversy or claim arising out of or relating to this Agreement, or its breach, shall be settled by arbitration administered by the American Arbitration Association in accordance with its rules, and judgment on the award rendered by the arbitrator(s) may be entered in any court having jurisdiction.

Signed by the authorised representatives of the Parties:

Party A: Law Enforcement Action Partnership, Inc.
Signature: __________________
Name: Jane Doe
Title: Executive Director
Date: February 29, 2024

Party B: Springfield Police Department
Signature: __________________
Name: Ken Scarlette
Title: Chief of Police
Date: February 29, 2024
"""

SPRINGFIELD = dict(name="Springfield Police Department", kind="agency", street="800 East Monroe Street",
                   city="Springfield", state="IL", zip_code="62701")
TERMS = dict(
    purpose=("The Parties enter into this Agreement to strengthen collaboration between law-enforcement agencies "
             "and the communities they serve, and to promote effective crime prevention."),
    party_a_responsibilities=("Coordinate training programmes.\n"
                              "Provide resources for the programmes and activities under this Agreement."),
    # Bullets typed by staff are dropped: the document letters the items itself.
    party_b_responsibilities="- Liaise with community organisations.\n\n(b) Advocate for policy reform.",
    governing_state="IL", signed_on=date(2024, 2, 29), term_years=3, notice_days=90,
    signatory_a_name="Jane Doe", signatory_a_title="Executive Director",
    signatory_b_name="Ken Scarlette", signatory_b_title="Chief of Police")


def fixed_agreement(**overrides) -> Agreement:
    """The agreement above, built in memory with a fixed reference."""
    terms = {**TERMS, **overrides}
    agreement = Agreement(id=7, party_a_partner_id=None, party_b_partner=Partner(id=3, **SPRINGFIELD),
                          party_b_partner_id=3, **terms)
    dates = lifecycle.schedule(agreement.signed_on, agreement.term_years, None, agreement.notice_days)
    agreement.term_ends_on, agreement.ends_on = dates.term_ends_on, dates.ends_on
    return agreement


def collapse(text: str) -> str:
    return " ".join(text.split())


def test_document_text_for_fixed_data_is_exactly_the_contract_wording():
    assert as_text(build_document(fixed_agreement(), LEAP)) == EXPECTED


def test_document_wording_is_the_same_every_time():
    texts = {as_text(build_document(fixed_agreement(), LEAP)) for _ in range(3)}
    assert len(texts) == 1


def test_draft_document_leaves_blanks_for_what_is_not_known_and_says_draft():
    draft = fixed_agreement(signed_on=None, governing_state=None, signatory_b_name=None)
    text = as_text(build_document(draft, LeapParty("Law Enforcement Action Partnership, Inc.", "")))
    assert "DRAFT — not yet signed" in text
    assert f"a nonprofit organisation, of {BLANK}; and" in text
    assert f"takes effect on the date it is signed, {BLANK}, and runs for a term of three (3) years, ending on {BLANK}." in text
    assert f"in accordance with the laws of {BLANK}." in text
    assert f"Name: {BLANK}\nTitle: Chief of Police\nDate: {BLANK}" in text


@pytest.mark.parametrize("overrides, phrase", [
    ({"term_years": 1, "notice_days": 30}, "a term of one (1) year, ending on February 28, 2025"),
    ({"notice_days": 120}, "Termination takes effect one hundred twenty (120) days after"),
    ({"governing_state": "VA"}, "the laws of the Commonwealth of Virginia."),
    ({"governing_state": "DC"}, "the laws of the District of Columbia."),
])
def test_the_blanks_follow_the_terms(overrides, phrase):
    assert phrase in as_text(build_document(fixed_agreement(**overrides), LEAP))


def test_a_renewal_says_which_agreement_it_renews():
    renewal = fixed_agreement()
    renewal.renewed_from = fixed_agreement()
    renewal.id = 12
    assert "3.3 This Agreement renews Agreement LEAP-PA-0007 between the Parties." in as_text(
        build_document(renewal, LEAP))


@pytest.fixture
def stored_agreement(app, db, make_partner):
    partner = make_partner(**SPRINGFIELD)
    agreement = create_agreement(AgreementTerms(party_a_partner_id=None, party_b_partner_id=partner.id, **TERMS),
                                 None, date(2025, 1, 1))
    db.session.commit()
    return agreement


def document_text_of(page: str) -> str:
    article = re.search(r'<article class="pa-document".*?>(.*)</article>', page, re.DOTALL).group(1)
    return collapse(html.unescape(re.sub(r"<[^>]+>", " ", article)))


def test_printable_page_carries_exactly_the_document_text(app, staff_client, stored_agreement):
    response = staff_client.get(f"/staff/partnerships/{stored_agreement.id}/document")
    assert response.status_code == 200
    expected = as_text(build_document(stored_agreement, LeapParty.from_config()))
    assert document_text_of(response.get_data(as_text=True)) == collapse(expected)
    assert "ending on February 28, 2027" in expected


def test_pdf_is_the_same_file_for_the_same_data(stored_agreement):
    document = build_document(stored_agreement, LEAP)
    first = render_pdf(document, stored_agreement.updated_at)
    second = render_pdf(build_document(stored_agreement, LEAP), stored_agreement.updated_at)
    assert first.startswith(b"%PDF-") and first == second


def test_pdf_contains_every_line_of_the_document_in_order(staff_client, stored_agreement):
    response = staff_client.get(f"/staff/partnerships/{stored_agreement.id}/document.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="{stored_agreement.reference}.pdf"' in response.headers["Content-Disposition"]
    text = collapse(pdf_text(response.data))
    position = 0
    for line in as_text(build_document(stored_agreement, LeapParty.from_config())).splitlines():
        if not line.strip():
            continue
        found = text.find(collapse(line), position)
        assert found >= 0, f"missing or out of order in the PDF: {line!r}"
        position = found + len(collapse(line))


def test_pdf_copes_with_names_outside_the_pdf_fonts(make_partner, make_agreement, today):
    partner = make_partner("Đà Nẵng Community Kitchen → Outreach 🌱", kind="community")
    agreement = make_agreement(partner=partner, signed_on=today)
    text = pdf_text(render_pdf(build_document(agreement, LEAP), datetime(2025, 1, 1)))
    assert "Dà Nang Community Kitchen -> Outreach ?" in text
