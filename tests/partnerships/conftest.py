"""Fixtures for partnership tests: partners, agreements in any state, a logged-in staff client."""
from datetime import date, timedelta

import pytest

from leap_members.extensions import db as _db
from leap_members.partnerships.clock import local_today
from leap_members.partnerships.models import Partner
from leap_members.partnerships.rules import AgreementTerms
from leap_members.partnerships.services import create_agreement, create_partner, record_notice


@pytest.fixture
def today(app) -> date:
    return local_today()


@pytest.fixture
def make_partner(app):
    counter = iter(range(1, 10_000))

    def factory(name: str | None = None, kind: str = "agency", **fields) -> Partner:
        values = {"name": name or f"Springfield Police Department {next(counter)}", "kind": kind,
                  "street": "800 East Monroe Street", "city": "Springfield", "state": "IL", "zip_code": "62701"}
        values.update(fields)
        partner = create_partner(values, None)
        _db.session.commit()
        return partner
    return factory


@pytest.fixture
def make_agreement(app, make_partner):
    """An agreement between LEAP (Party A) and a partner; signed/notice dates as given."""
    def factory(partner: Partner | None = None, signed_on: date | None = None, notice_on: date | None = None,
                given_by: str = "b", **terms):
        partner = partner or make_partner()
        values = dict(party_a_partner_id=None, party_b_partner_id=partner.id, signed_on=signed_on,
                      governing_state="IL" if signed_on else None)
        if signed_on:
            values.update(signatory_a_name="Lieutenant Diane Goldstein (ret.)", signatory_a_title="Executive Director",
                          signatory_b_name="Chief Ken Scarlette", signatory_b_title="Chief of Police")
        values.update(terms)
        today = max(local_today(), signed_on or date.min, notice_on or date.min)
        agreement = create_agreement(AgreementTerms(**values), None, today)
        if notice_on:
            record_notice(agreement, notice_on, given_by, None, today)
        _db.session.commit()
        return agreement
    return factory


@pytest.fixture
def staff_client(client, staff, auth):
    response = auth.login(staff.email)
    assert response.status_code == 302
    return client


def days_ago(today: date, days: int) -> date:
    return today - timedelta(days=days)
