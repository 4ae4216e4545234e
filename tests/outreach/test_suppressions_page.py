"""Staff see why an address gets no bulk mail, lift it after a confirmation, and suppress one by hand."""
import pytest
from sqlalchemy import select

from leap_members.core.timeutil import utcnow
from leap_members.outreach import bounces
from leap_members.outreach.models import Suppression, SuppressionReason
from tests.support.clients import client_as


@pytest.fixture
def bounced(db, member_factory):
    member = member_factory(first_name="Ana", email="ana@example.org", email_updates=True)
    bounces.record_event("postmark", "postmark:Bounce:1", "hard-bounce", member.email, utcnow(),
                         "550 5.1.1 mailbox not found")
    bounces.record_event("generic", "generic:c1", "complaint", "carl@example.net", utcnow(), "abuse")
    db.session.commit()
    return member


def active(db, address: str) -> Suppression | None:
    return db.session.scalar(select(Suppression).where(Suppression.address == address,
                                                       Suppression.lifted_at.is_(None)))


def test_the_list_says_why_in_words_with_the_reports_behind_it(staff_client, bounced):
    page = staff_client.get("/staff/outreach/suppressions").get_data(as_text=True)
    assert "ana@example.org" in page and SuppressionReason.LABELS["hard-bounce"] in page
    assert "550 5.1.1 mailbox not found" in page and "Hard bounce" in page and "postmark" in page
    assert "carl@example.net" in page and SuppressionReason.LABELS["complaint"] in page


def test_searching_by_address_shows_only_matches(staff_client, bounced):
    page = staff_client.get("/staff/outreach/suppressions?q=CARL@").get_data(as_text=True)
    assert "carl@example.net" in page and "ana@example.org" not in page


def test_lifting_asks_first_then_lifts_and_the_history_stays(db, staff_client, bounced, staff):
    suppression = active(db, "ana@example.org")
    confirm = staff_client.get(f"/staff/outreach/suppressions/{suppression.id}/lift")
    assert confirm.status_code == 200 and "Lift the suppression of ana@example.org?" in confirm.get_data(as_text=True)
    assert active(db, "ana@example.org") is not None        # looking at the question changes nothing
    done = staff_client.post(f"/staff/outreach/suppressions/{suppression.id}/lift")
    assert done.status_code == 302
    assert active(db, "ana@example.org") is None
    db.session.refresh(suppression)
    assert suppression.lifted_by_id == staff.id
    listed = staff_client.get("/staff/outreach/suppressions?q=ana&lifted=y").get_data(as_text=True)
    assert "ana@example.org" in listed and "lifted" in listed


def test_lifting_needs_the_csrf_token(app, db, bounced, staff):
    app.config["WTF_CSRF_ENABLED"] = True
    suppression = active(db, "ana@example.org")
    response = client_as(app, staff).post(f"/staff/outreach/suppressions/{suppression.id}/lift")
    assert response.status_code == 400
    assert active(db, "ana@example.org") is not None


def test_staff_can_suppress_an_address_by_hand(db, staff_client):
    response = staff_client.post("/staff/outreach/suppressions",
                                 data={"address": " Dee@Example.org ", "detail": "asked by phone"})
    assert response.status_code == 302
    suppression = active(db, "dee@example.org")
    assert suppression.reason == SuppressionReason.MANUAL and suppression.detail == "asked by phone"
    again = staff_client.post("/staff/outreach/suppressions", data={"address": "dee@example.org"},
                              follow_redirects=True)
    assert "already suppressed" in again.get_data(as_text=True)
    assert staff_client.post("/staff/outreach/suppressions", data={"address": "not an address"}).status_code == 400


def test_the_member_record_shows_the_email_status_why_and_a_link_to_lift(db, staff_client, bounced):
    page = staff_client.get(f"/staff/members/{bounced.id}").get_data(as_text=True)
    suppression = active(db, "ana@example.org")
    assert "Bouncing" in page and SuppressionReason.LABELS["hard-bounce"] in page
    assert f"/staff/outreach/suppressions/{suppression.id}/lift" in page
    bounces.lift(bounced.email, bounced)
    db.session.commit()
    page = staff_client.get(f"/staff/members/{bounced.id}").get_data(as_text=True)
    assert "Previous bounce" in page and "/lift" not in page


@pytest.mark.parametrize("method,url", [
    ("GET", "/staff/outreach/suppressions"),
    ("POST", "/staff/outreach/suppressions"),
    ("GET", "/staff/outreach/suppressions/1/lift"),
    ("POST", "/staff/outreach/suppressions/1/lift"),
])
def test_members_and_visitors_cannot_use_the_suppression_pages(app, db, member_factory, bounced, method, url):
    member = member_factory(email="someone@example.org")
    assert client_as(app, member).open(url, method=method, data={"address": "x@example.org"}).status_code == 403
    visitor = app.test_client().open(url, method=method)
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    assert active(db, "x@example.org") is None and active(db, "ana@example.org") is not None
