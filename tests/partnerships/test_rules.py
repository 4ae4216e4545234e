"""Bad agreement data is refused with a message naming the field; good data passes."""
from datetime import date

import pytest

from leap_members.partnerships.rules import AgreementTerms, notice_problems, terms_problems

TODAY = date(2025, 6, 15)


def signed_terms(**overrides) -> AgreementTerms:
    values = dict(party_a_partner_id=None, party_b_partner_id=7, governing_state="CA", signed_on=date(2025, 6, 1),
                  signatory_a_name="A. Signer", signatory_a_title="Director",
                  signatory_b_name="B. Signer", signatory_b_title="Chief")
    values.update(overrides)
    return AgreementTerms(**values)


def test_complete_signed_terms_and_a_bare_draft_have_no_problems():
    assert terms_problems(signed_terms(), None, TODAY) == {}
    assert terms_problems(AgreementTerms(party_a_partner_id=None, party_b_partner_id=7), None, TODAY) == {}


@pytest.mark.parametrize("overrides, notice, field, words", [
    ({"signed_on": date(2025, 6, 16)}, None, "signed_on", "is in the future"),
    ({"party_b_partner_id": None}, None, "party_b", "LEAP cannot sign an agreement with itself"),
    ({"party_a_partner_id": 7}, None, "party_b", "Party A and Party B are the same organisation"),
    ({"governing_state": None}, None, "governing_state", "must name the state"),
    ({"term_years": 0}, None, "term_years", "ends after it starts"),
    ({"term_years": 11}, None, "term_years", "from 1 to 10 years"),
    ({"notice_days": 0}, None, "notice_days", "from 1 to 365 days"),
    ({"signed_on": date(2025, 6, 10)}, date(2025, 6, 5), "signed_on", "before this signing date"),
    ({"signed_on": None, "governing_state": None}, date(2025, 6, 5), "signed_on", "Notice is on record"),
    ({"signed_on": date(2020, 6, 1), "term_years": 3}, date(2023, 6, 1), "term_years", "after this term would"),
    ({"signatory_b_title": " "}, None, "signatory_b_title", "Party B"),
    ({"purpose": "  "}, None, "purpose", "purpose"),
    ({"party_a_responsibilities": ""}, None, "party_a_responsibilities", "Party A"),
])
def test_each_bad_input_is_named_beside_its_field(overrides, notice, field, words):
    problems = terms_problems(signed_terms(**overrides), notice, TODAY)
    assert field in problems
    assert words in problems[field]


def test_a_draft_may_leave_state_and_signatories_empty_but_not_sign_in_the_future():
    draft = AgreementTerms(party_a_partner_id=None, party_b_partner_id=7)
    assert terms_problems(draft, None, TODAY) == {}
    assert "signed_on" in terms_problems(signed_terms(signed_on=date(2026, 1, 1)), None, TODAY)


@pytest.mark.parametrize("received, given_by, field, words", [
    (date(2025, 5, 31), "b", "notice_received_on", "before the agreement was signed"),
    (date(2025, 6, 16), "b", "notice_received_on", "cannot be dated in the future"),
    (None, "b", "notice_received_on", "Enter the date"),
    (date(2025, 6, 10), None, "given_by", "Choose which party"),
])
def test_notice_must_fall_between_signing_and_today_and_name_the_party(received, given_by, field, words):
    problems = notice_problems(date(2025, 6, 1), date(2028, 6, 1), received, given_by, TODAY)
    assert words in problems[field]


def test_notice_on_or_after_the_end_of_term_has_no_effect():
    problems = notice_problems(date(2020, 6, 1), date(2023, 6, 1), date(2023, 6, 1), "a", TODAY)
    assert "has no effect" in problems["notice_received_on"]


def test_notice_on_a_draft_is_refused():
    problems = notice_problems(None, None, date(2025, 6, 1), "a", TODAY)
    assert "draft" in problems["notice_received_on"]
