"""Joining online: every category, consent, and bad input that must lose nothing."""
import threading

import pytest
from sqlalchemy import func, select

from leap_members.members.forms import EMAIL_UPDATES_WORDING
from leap_members.members.models import Consent, Member
from tests.support.smtp import body_of

GOOD_PASSWORD = "walking the beat in 1998"


def signup_data(**overrides):
    data = {
        "category": "le_former", "first_name": "Dana", "last_name": "Holloway",
        "email": "Dana.Holloway@Example.org", "password": GOOD_PASSWORD, "confirm_password": GOOD_PASSWORD,
        "city": "Long Beach", "state": "CA", "zip_code": "90802", "phone": "",
        "organisation": "Long Beach Police Department", "role_title": "Lieutenant", "years_of_service": "21",
        "email_updates": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def member_count(db) -> int:
    return db.session.scalar(select(func.count(Member.id)))


@pytest.mark.parametrize("category, extra, verification", [
    ("le_current", {"organisation": "Phoenix PD", "role_title": "Sergeant", "years_of_service": "12"}, "pending"),
    ("le_former", {}, "pending"),
    ("cj_professional", {"organisation": "County Court", "role_title": "Judge", "years_of_service": "18"}, "pending"),
    ("policymaker", {"organisation": "", "role_title": "State senator", "years_of_service": ""}, "pending"),
    ("citizen", {"organisation": "", "role_title": "", "years_of_service": ""}, "not_applicable"),
])
def test_each_category_can_join_and_starts_unconfirmed(client, db, category, extra, verification):
    response = client.post("/join", data=signup_data(category=category, **extra))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/join/check-your-inbox")
    member = db.session.scalar(select(Member))
    assert member.category == category
    assert member.email == "dana.holloway@example.org"
    assert member.email_confirmed_at is None
    assert member.verification == verification
    assert member.role == "member" and member.status == "active"


def test_citizen_professional_fields_are_not_kept(client, db):
    client.post("/join", data=signup_data(category="citizen"))
    member = db.session.scalar(select(Member))
    assert (member.organisation, member.role_title, member.years_of_service) == (None, None, None)


def test_consent_is_recorded_with_wording_time_and_source(app, client, db):
    shown = app.test_client().get("/join").get_data(as_text=True)
    assert EMAIL_UPDATES_WORDING.replace("'", "&#39;") in shown
    client.post("/join", data=signup_data())
    consent = db.session.scalar(select(Consent))
    assert consent.granted is True
    assert consent.wording == EMAIL_UPDATES_WORDING
    assert consent.source == "/join"
    assert consent.created_at is not None


def test_declined_consent_is_recorded_as_declined(client, db):
    client.post("/join", data=signup_data(email_updates=None))
    consent = db.session.scalar(select(Consent))
    assert consent.granted is False
    assert db.session.scalar(select(Member)).email_updates is False


def test_joining_sends_a_confirmation_mail(client, deliver):
    client.post("/join", data=signup_data())
    inbox = deliver()
    message = inbox.last_to("dana.holloway@example.org")
    assert "Confirm" in message["Subject"]


@pytest.mark.parametrize("field, value, message", [
    ("email", "not-an-address", "valid e-mail"),
    ("first_name", "x" * 81, "Field cannot be longer than 80"),
    ("city", "Long\x00Beach", "control characters"),
    ("state", "ZZ", "Not a valid choice"),
    ("zip_code", "9080", "5-digit ZIP"),
    ("zip_code", "ABCDE", "5-digit ZIP"),
    ("password", "short", "at least 12"),
    ("password", "password1234", "too common"),
    ("phone", "call me maybe", "digits"),
    ("years_of_service", "many", "Not a valid integer"),
    ("organisation", "", "Enter your last agency"),
    ("category", "sheriff", "Not a valid choice"),
])
def test_bad_input_is_refused_beside_the_field_and_saves_nothing(client, db, field, value, message):
    data = signup_data(**{field: value})
    if field == "password":
        data["confirm_password"] = value
    response = client.post("/join", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html or (field == "category" and "category-error" in html)
    assert message in html
    assert member_count(db) == 0


def test_a_refused_form_keeps_what_was_typed_except_passwords(client):
    html = client.post("/join", data=signup_data(zip_code="123")).get_data(as_text=True)
    assert 'value="Long Beach"' in html
    assert 'value="Long Beach Police Department"' in html
    assert GOOD_PASSWORD not in html


def test_joining_with_a_known_address_in_any_case_reveals_nothing_and_tells_its_owner(
        app, db, member_factory, deliver):
    new = app.test_client().post("/join", data=signup_data(email="someone.new@example.org"), follow_redirects=True)
    member_factory(email="dana.holloway@example.org")
    known = app.test_client().post("/join", data=signup_data(email="DANA.Holloway@EXAMPLE.ORG"),
                                   follow_redirects=True)
    assert member_count(db) == 2   # the new member and the owner; no second Dana
    assert known.status_code == new.status_code == 200
    assert [r.headers["Location"] for r in known.history] == [r.headers["Location"] for r in new.history]
    page = known.get_data(as_text=True)
    assert "Check your inbox" in page and "already" not in page
    assert page.replace("dana.holloway", "someone.new") == new.get_data(as_text=True)
    notice = deliver().last_to("dana.holloway@example.org")
    assert "tried to join" in notice["Subject"]
    assert "http://localhost/login" in body_of(notice) and "http://localhost/reset" in body_of(notice)


def test_repeated_joins_with_a_known_address_send_its_owner_one_notice_an_hour(
        client, db, member_factory, deliver):
    member_factory(email="dana.holloway@example.org")
    for _ in range(3):
        client.post("/join", data=signup_data())
    assert len(deliver().to("dana.holloway@example.org")) == 1


def test_privileged_fields_in_the_post_are_ignored(client, db):
    client.post("/join", data=signup_data(role="admin", is_admin="1", status="suspended",
                                          verification="verified", email_confirmed_at="2020-01-01", id="999"))
    member = db.session.scalar(select(Member))
    assert member.role == "member"
    assert member.verification == "pending"
    assert member.status == "active"
    assert member.email_confirmed_at is None
    assert member.id != 999


def test_filled_honeypot_is_refused(client, db):
    client.post("/join", data=signup_data(website="http://spam.example"))
    assert member_count(db) == 0


def test_two_identical_signups_at_the_same_moment_create_one_member(app, db):
    barrier = threading.Barrier(2)
    statuses = []

    def submit():
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post("/join", data=signup_data()).status_code)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert member_count(db) == 1
    assert statuses == [302, 302]  # both see "check your inbox": one joined, the other's owner is told


def test_unique_index_refuses_a_second_row_with_the_same_email(db, member_factory):
    from sqlalchemy.exc import IntegrityError

    member_factory(email="same@example.org")
    with pytest.raises(IntegrityError):
        member_factory(email="same@example.org")
    db.session.rollback()


def test_joining_shows_check_your_inbox_then_logging_in_shows_the_confirm_prompt(client, auth):
    page = client.post("/join", data=signup_data(), follow_redirects=True).get_data(as_text=True)
    assert "Check your inbox" in page and "dana.holloway@example.org" in page
    assert client.get("/account").status_code == 302   # joining does not log in
    auth.login("dana.holloway@example.org", GOOD_PASSWORD)
    html = client.get("/account").get_data(as_text=True)
    assert "Please confirm your e-mail address" in html


def test_the_check_your_inbox_page_without_a_signup_leads_to_join(client):
    response = client.get("/join/check-your-inbox")
    assert response.status_code == 302 and response.headers["Location"].endswith("/join")


@pytest.mark.parametrize("field, value", [("years_of_service", "9" * 400), ("years_of_service", "٣"),
                                          ("zip_code", "٠٢١٣٩"), ("years_of_service", "-1")])
def test_huge_or_non_ascii_numbers_are_refused_not_a_server_error(client, db, field, value):
    response = client.post("/join", data=signup_data(**{field: value}))
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert member_count(db) == 0
