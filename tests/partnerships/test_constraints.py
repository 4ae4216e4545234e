"""The database itself refuses what the forms refuse, so no other path can store a broken agreement."""
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from leap_members.partnerships.models import Agreement, Partner


def insert(db, **fields):
    values = dict(party_a_partner_id=None, purpose="p", party_a_responsibilities="a", party_b_responsibilities="b")
    values.update(fields)
    db.session.add(Agreement(**values))
    db.session.flush()


@pytest.mark.parametrize("fields", [
    {"party_b_partner_id": None},                                          # LEAP on both sides
    {"party_a_partner_id": "SAME", "party_b_partner_id": "SAME"},          # one partner on both sides
    {"term_years": 0},
    {"notice_days": 0},
    {"signed_on": date(2025, 1, 1), "governing_state": None},
    {"signed_on": date(2025, 1, 1), "governing_state": "CA", "notice_received_on": date(2024, 12, 31)},
    {"signed_on": None, "notice_received_on": date(2024, 12, 31)},
])
def test_database_refuses_broken_agreements(db, make_partner, fields):
    partner = make_partner()
    fields = {key: partner.id if value == "SAME" else value for key, value in fields.items()}
    fields.setdefault("party_b_partner_id", partner.id)
    with pytest.raises(IntegrityError):
        insert(db, **fields)
    db.session.rollback()


def test_an_agreement_has_at_most_one_renewal(db, make_partner, make_agreement):
    original = make_agreement(signed_on=date(2024, 1, 1))
    partner_id = original.party_b_partner_id
    insert(db, party_b_partner_id=partner_id, renewed_from_id=original.id)
    with pytest.raises(IntegrityError):
        insert(db, party_b_partner_id=partner_id, renewed_from_id=original.id)
    db.session.rollback()


def test_partner_names_are_unique_whatever_the_case(db, make_partner):
    make_partner("Oakland Police Department")
    db.session.add(Partner(name="OAKLAND police department", name_key="oakland police department", kind="agency"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
