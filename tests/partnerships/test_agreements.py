"""Staff record agreements, walk them through their life, and bad input saves nothing."""
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from leap_members.partnerships.lifecycle import add_years
from leap_members.partnerships.models import Agreement, PartnershipChange
from leap_members.partnerships.rules import DEFAULT_PARTY_A_RESPONSIBILITIES, DEFAULT_PARTY_B_RESPONSIBILITIES


def agreement_data(partner_id, **overrides) -> dict:
    data = {
        "party_a": "leap", "party_b": str(partner_id),
        "purpose": "To strengthen collaboration and promote effective crime prevention.",
        "party_a_responsibilities": DEFAULT_PARTY_A_RESPONSIBILITIES,
        "party_b_responsibilities": DEFAULT_PARTY_B_RESPONSIBILITIES,
        "governing_state": "IL", "signed_on": "", "term_years": "3", "notice_days": "90",
        "signatory_a_name": "Diane Goldstein", "signatory_a_title": "Executive Director",
        "signatory_b_name": "Ken Scarlette", "signatory_b_title": "Chief of Police",
        "submission_token": secrets.token_urlsafe(24),
    }
    data.update(overrides)
    return data


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_new_agreement_form_offers_the_standard_terms(staff_client, make_partner):
    partner = make_partner("Riverside Community Coalition", kind="community")
    page = staff_client.get(f"/staff/partnerships/new?partner={partner.id}").get_data(as_text=True)
    assert "Coordinate training programmes." in page
    assert "Advocate for policy reform." in page
    assert 'value="3"' in page and 'value="90"' in page
    assert f'<option selected value="{partner.id}">Riverside Community Coalition</option>' in page


def test_staff_records_a_signed_agreement_and_its_end_date_follows(staff_client, db, make_partner, today, staff):
    partner = make_partner()
    signed = today - timedelta(days=10)
    response = staff_client.post("/staff/partnerships/new",
                                 data=agreement_data(partner.id, signed_on=signed.isoformat()))
    assert response.status_code == 302
    agreement = db.session.scalar(select(Agreement))
    assert agreement.party_a_partner_id is None and agreement.party_b_partner_id == partner.id
    assert agreement.signed_on == signed
    assert agreement.term_ends_on == add_years(signed, 3) == agreement.ends_on
    assert agreement.status_on(today) == "active"
    change = db.session.scalar(select(PartnershipChange).where(PartnershipChange.agreement_id == agreement.id))
    assert change.action == "created" and change.actor_id == staff.id
    assert staff.email in change.actor_name
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Active" in page and "In force" in page


def test_sending_the_new_agreement_form_twice_records_one_agreement(staff_client, db, make_partner):
    page = staff_client.get("/staff/partnerships/new").get_data(as_text=True)
    token = page.split('name="submission_token" type="hidden" value="')[1].split('"')[0]
    data = agreement_data(make_partner().id, submission_token=token)
    first = staff_client.post("/staff/partnerships/new", data=data)
    second = staff_client.post("/staff/partnerships/new", data=data, follow_redirects=True)
    assert count(db, Agreement) == 1
    agreement = db.session.scalar(select(Agreement))
    assert first.headers["Location"].endswith(f"/staff/partnerships/{agreement.id}")
    assert f"This form was already sent: the agreement is recorded as {agreement.reference}." in second.get_data(
        as_text=True)


def test_a_new_agreement_form_without_its_token_is_refused(staff_client, db, make_partner):
    response = staff_client.post("/staff/partnerships/new", data=agreement_data(make_partner().id, submission_token=""))
    assert response.status_code == 400
    assert "reload the page and try again" in response.get_data(as_text=True)
    assert count(db, Agreement) == 0


def test_a_draft_needs_no_signing_date_state_or_signatories(staff_client, db, make_partner, today):
    partner = make_partner()
    response = staff_client.post("/staff/partnerships/new", data=agreement_data(
        partner.id, governing_state="", signatory_a_name="", signatory_b_title=""))
    assert response.status_code == 302
    agreement = db.session.scalar(select(Agreement))
    assert agreement.status_on(today) == "draft" and agreement.ends_on is None


@pytest.mark.parametrize("overrides, message", [
    ({"signed_on": "FUTURE"}, "is in the future"),
    ({"party_a": "PARTNER"}, "Party A and Party B are the same organisation"),
    ({"party_b": "leap"}, "LEAP cannot sign an agreement with itself"),
    ({"signed_on": "PAST", "governing_state": ""}, "A signed agreement must name the state"),
    ({"signed_on": "PAST", "signatory_b_name": ""}, "A signed agreement needs both signatories"),
    ({"term_years": "0"}, "Enter a term from 1 to 10 years."),
    ({"notice_days": "-5"}, "Enter a notice period from 1 to 365 days."),
    ({"signed_on": "31/02/2025"}, "Not a valid date value."),
    ({"party_b": "999999"}, "Not a valid choice."),
    ({"purpose": "bad\x00byte"}, "Remove the invisible control characters"),
])
def test_bad_agreement_input_is_explained_and_nothing_is_saved(staff_client, db, make_partner, today,
                                                               overrides, message):
    partner = make_partner()
    replacements = {"FUTURE": (today + timedelta(days=1)).isoformat(), "PAST": (today - timedelta(days=3)).isoformat(),
                    "PARTNER": str(partner.id)}
    data = agreement_data(partner.id, **{k: replacements.get(v, v) for k, v in overrides.items()})
    response = staff_client.post("/staff/partnerships/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert count(db, Agreement) == 0
    assert count(db, PartnershipChange) == 1  # only the partner's own "created" entry


def test_signing_a_draft_later_is_recorded_as_signed_with_the_changes(staff_client, db, make_agreement, today):
    agreement = make_agreement()
    signed = today - timedelta(days=1)
    response = staff_client.post(f"/staff/partnerships/{agreement.id}/edit",
                                 data=agreement_data(agreement.party_b_partner_id, signed_on=signed.isoformat()))
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.status_on(today) == "active"
    change = db.session.scalars(select(PartnershipChange).where(PartnershipChange.agreement_id == agreement.id)
                                .order_by(PartnershipChange.id.desc())).first()
    assert change.action == "signed"
    assert "Signing date: (none) → " in change.details
    assert "Governing state: (none) → Illinois" in change.details


def test_editing_the_signing_date_past_the_notice_is_refused(staff_client, db, make_agreement, today):
    agreement = make_agreement(signed_on=today - timedelta(days=100), notice_on=today - timedelta(days=20))
    before = count(db, PartnershipChange)
    response = staff_client.post(f"/staff/partnerships/{agreement.id}/edit", data=agreement_data(
        agreement.party_b_partner_id, signed_on=(today - timedelta(days=10)).isoformat()))
    assert response.status_code == 400
    assert "an agreement cannot be ended before it is signed" in response.get_data(as_text=True)
    db.session.refresh(agreement)
    assert agreement.signed_on == today - timedelta(days=100)
    assert count(db, PartnershipChange) == before


def test_unchanged_edit_records_nothing(staff_client, db, make_agreement, today):
    agreement = make_agreement(signed_on=today - timedelta(days=5))
    before = count(db, PartnershipChange)
    staff_client.post(f"/staff/partnerships/{agreement.id}/edit", data=agreement_data(
        agreement.party_b_partner_id, signed_on=agreement.signed_on.isoformat(),
        signatory_a_name="Lieutenant Diane Goldstein (ret.)", signatory_b_name="Chief Ken Scarlette",
        purpose=agreement.purpose))
    assert count(db, PartnershipChange) == before


def test_notice_ends_the_agreement_ninety_days_after_it_was_received(staff_client, db, make_agreement, today):
    agreement = make_agreement(signed_on=today - timedelta(days=200))
    received = today - timedelta(days=30)
    response = staff_client.post(f"/staff/partnerships/{agreement.id}/notice",
                                 data={"notice_received_on": received.isoformat(), "given_by": "b"})
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.ends_on == received + timedelta(days=90)
    assert agreement.status_on(today) == "notice_given"
    page = staff_client.get(f"/staff/partnerships/{agreement.id}").get_data(as_text=True)
    assert "Notice given" in page and "60 days from today" in page
    assert agreement.status_on(agreement.ends_on) == "ended" and agreement.end_reason == "terminated"


def test_notice_near_the_end_of_term_ends_it_at_the_term_end(staff_client, db, make_agreement, today):
    signed = today - timedelta(days=3 * 365 - 20)
    agreement = make_agreement(signed_on=signed)
    staff_client.post(f"/staff/partnerships/{agreement.id}/notice",
                      data={"notice_received_on": today.isoformat(), "given_by": "a"})
    db.session.refresh(agreement)
    assert agreement.ends_on == agreement.term_ends_on < agreement.notice_ends_on
    assert agreement.end_reason == "expired"


@pytest.mark.parametrize("received_offset, message", [
    (-300, "before the agreement was signed"),
    (1, "cannot be dated in the future"),
])
def test_bad_notice_dates_are_refused_and_nothing_changes(staff_client, db, make_agreement, today,
                                                         received_offset, message):
    agreement = make_agreement(signed_on=today - timedelta(days=200))
    before = count(db, PartnershipChange)
    response = staff_client.post(f"/staff/partnerships/{agreement.id}/notice", data={
        "notice_received_on": (today + timedelta(days=received_offset)).isoformat(), "given_by": "b"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(agreement)
    assert agreement.notice_received_on is None and agreement.ends_on == agreement.term_ends_on
    assert count(db, PartnershipChange) == before


def test_notice_on_a_draft_is_refused(staff_client, make_agreement, today):
    agreement = make_agreement()
    response = staff_client.post(f"/staff/partnerships/{agreement.id}/notice",
                                 data={"notice_received_on": today.isoformat(), "given_by": "b"})
    assert response.status_code == 400
    assert "record its signing date before any notice" in response.get_data(as_text=True)


def test_notice_on_an_ended_agreement_is_refused(staff_client, make_agreement, today):
    agreement = make_agreement(signed_on=today - timedelta(days=4 * 365))
    response = staff_client.post(f"/staff/partnerships/{agreement.id}/notice",
                                 data={"notice_received_on": today.isoformat(), "given_by": "b"})
    assert response.status_code == 400
    assert "already ended" in response.get_data(as_text=True)


def test_withdrawing_notice_puts_the_term_end_back_and_is_recorded(staff_client, db, make_agreement, today):
    agreement = make_agreement(signed_on=today - timedelta(days=200), notice_on=today - timedelta(days=10))
    response = staff_client.post(f"/staff/partnerships/{agreement.id}/notice/withdraw")
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.notice_received_on is None and agreement.ends_on == agreement.term_ends_on
    assert agreement.status_on(today) == "active"
    last = db.session.scalars(select(PartnershipChange).order_by(PartnershipChange.id.desc())).first()
    assert last.action == "notice-withdrawn"


def test_renewal_drafts_a_linked_agreement_once(staff_client, db, make_agreement, today):
    agreement = make_agreement(signed_on=today - timedelta(days=1000))
    first = staff_client.post(f"/staff/partnerships/{agreement.id}/renew")
    assert first.status_code == 302
    renewal = db.session.scalar(select(Agreement).where(Agreement.renewed_from_id == agreement.id))
    assert first.headers["Location"].endswith(f"/staff/partnerships/{renewal.id}/edit")
    assert renewal.signed_on is None and renewal.status_on(today) == "draft"
    assert (renewal.party_b_partner_id, renewal.governing_state, renewal.purpose) == (
        agreement.party_b_partner_id, agreement.governing_state, agreement.purpose)
    second = staff_client.post(f"/staff/partnerships/{agreement.id}/renew")
    assert second.headers["Location"].endswith(f"/staff/partnerships/{renewal.id}")
    assert count(db, Agreement) == 2
    page = staff_client.get(f"/staff/partnerships/{agreement.id}").get_data(as_text=True)
    assert "Renewed by" in page and renewal.reference in page


def test_a_draft_cannot_be_renewed(staff_client, db, make_agreement):
    agreement = make_agreement()
    staff_client.post(f"/staff/partnerships/{agreement.id}/renew")
    assert count(db, Agreement) == 1


def test_history_shows_who_changed_what(staff_client, make_agreement, today, staff):
    agreement = make_agreement(signed_on=today - timedelta(days=50))
    staff_client.post(f"/staff/partnerships/{agreement.id}/notice",
                      data={"notice_received_on": today.isoformat(), "given_by": "b"})
    page = staff_client.get(f"/staff/partnerships/{agreement.id}").get_data(as_text=True)
    assert "Notice recorded" in page
    assert staff.email in page
    assert "System (command line)" in page  # the fixture created it without a person


def test_unknown_agreement_is_404(staff_client):
    assert staff_client.get("/staff/partnerships/424242").status_code == 404
