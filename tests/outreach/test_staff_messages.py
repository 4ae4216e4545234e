"""Staff write a message, preview it as a member, test it, send it, pause it, and read what happened."""
import csv
import io

from sqlalchemy import select

from leap_members.mail.models import OutboxMessage
from leap_members.outreach.models import Mailing, MailingStatus, TopicChoice
from tests.support.clients import client_as


def test_staff_write_preview_test_and_send_a_message(db, staff_client, staff, topic, everyone, member_factory,
                                                    run_worker):
    member_factory(first_name="Rosa", email="rosa@example.org", email_updates=True, state="TX")
    member_factory(email="quiet@example.org", email_updates=False)
    response = staff_client.post("/staff/outreach/messages/new", data={
        "subject": "Testify in {{ state }}", "body_markdown": "Hello {{ first_name }}, the *hearing* is Thursday.",
        "topic_id": topic.id, "segment_id": everyone.id})
    assert response.status_code == 302
    mailing = db.session.scalar(select(Mailing))
    page = staff_client.get(f"/staff/outreach/messages/{mailing.id}").get_data(as_text=True)
    assert "It would go to <strong>1</strong> member" in page
    assert "Testify in Texas" in page and "Hello Rosa" in page    # the preview, as the first recipient
    staff_client.post(f"/staff/outreach/messages/{mailing.id}/test")
    inbox = run_worker()
    assert inbox.last_to(staff.email)["Subject"] == "[Test] Testify in Illinois"
    assert staff_client.post(f"/staff/outreach/messages/{mailing.id}/send", data={"when": ""}).status_code == 302
    again = staff_client.post(f"/staff/outreach/messages/{mailing.id}/send", data={"when": ""})
    assert again.status_code == 400 or "already sent" in staff_client.get(again.location).get_data(as_text=True)
    inbox = run_worker()
    assert len(inbox.to("rosa@example.org")) == 1 and inbox.to("quiet@example.org") == []
    page = staff_client.get(f"/staff/outreach/messages/{mailing.id}").get_data(as_text=True)
    assert "Sent" in page and "Download the recipients" in page
    rows = list(csv.reader(io.StringIO(staff_client.get(
        f"/staff/outreach/messages/{mailing.id}/recipients.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["E-mail", "Member number", "Outcome"] and rows[1][0] == "rosa@example.org"
    assert rows[1][2] == "sent"


def test_an_unknown_merge_field_is_shown_next_to_the_field(db, staff_client, topic, everyone):
    response = staff_client.post("/staff/outreach/messages/new", data={
        "subject": "Hi", "body_markdown": "Dear {{ nick }}", "topic_id": topic.id, "segment_id": everyone.id})
    assert response.status_code == 400
    assert "{{ nick }} is not a merge field" in response.get_data(as_text=True)
    assert db.session.scalar(select(Mailing)) is None


def test_sending_to_nobody_or_in_the_past_is_refused_with_a_message(db, staff_client, make_mailing, everyone):
    everyone.query = "state=WY"
    db.session.commit()
    mailing = make_mailing()
    response = staff_client.post(f"/staff/outreach/messages/{mailing.id}/send", data={"when": ""})
    assert response.status_code == 400 and "Nobody would get this message" in response.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage)) is None


def test_pause_and_cancel_from_the_message_page(db, staff_client, staff, make_mailing, member_factory):
    member_factory(email="a@example.org", email_updates=True)
    mailing = make_mailing()
    staff_client.post(f"/staff/outreach/messages/{mailing.id}/send", data={"when": ""})
    staff_client.post(f"/staff/outreach/messages/{mailing.id}/pause")
    db.session.refresh(mailing)
    assert mailing.status == MailingStatus.PAUSED
    staff_client.post(f"/staff/outreach/messages/{mailing.id}/cancel")
    db.session.refresh(mailing)
    assert mailing.status == MailingStatus.CANCELLED
    assert "can no longer be changed" in staff_client.get(
        f"/staff/outreach/messages/{mailing.id}/edit", follow_redirects=True).get_data(as_text=True)


def test_members_choose_their_topics_and_each_change_is_a_consent(app, db, member_factory, topic):
    member = member_factory(email="pick@example.org", email_updates=True)
    client = client_as(app, member)
    page = client.get("/account/email-choices").get_data(as_text=True)
    assert "Action alerts" in page and 'checked' in page
    assert client.post("/account/email-choices", data={"email_updates": "y"}).status_code == 302
    assert db.session.get(TopicChoice, (member.id, topic.id)).subscribed is False
    client.post("/account/email-choices", data={"csrf_token": ""})   # what a browser sends with every box clear
    db.session.refresh(member)
    assert member.email_updates is False
    assert [c.kind for c in member.consents][-2:] == [f"topic:{topic.id}", "email_updates"]


def test_segments_and_topics_are_managed_by_staff(db, staff_client):
    response = staff_client.post("/staff/outreach/topics/new", data={"name": "Newsletter", "on_by_default": "y"})
    assert response.status_code == 302
    assert staff_client.post("/staff/outreach/topics/new", data={"name": "newsletter"}).status_code == 400
    response = staff_client.post("/staff/outreach/segments/new", data={"name": "Texas", "query": "state=TX"})
    assert response.status_code == 302
    bad = staff_client.post("/staff/outreach/segments/new", data={"name": "Bad", "query": "state=ZZ"})
    assert bad.status_code == 400 and "is not a known state" in bad.get_data(as_text=True)
    assert "Texas" in staff_client.get("/staff/outreach/segments").get_data(as_text=True)


def test_a_schedule_at_the_end_of_time_is_refused_not_a_crash(db, staff_client, make_mailing, member_factory):
    member_factory(email="a@example.org", email_updates=True)
    mailing = make_mailing()
    response = staff_client.post(f"/staff/outreach/messages/{mailing.id}/send", data={"when": "9999-12-31T23:59"})
    assert response.status_code == 400 and "before the year 9999" in response.get_data(as_text=True)


def test_a_nul_in_a_message_is_a_message_next_to_the_field_not_a_500(db, staff_client, topic, everyone):
    response = staff_client.post("/staff/outreach/messages/new", data={
        "subject": "Hi\x00there", "body_markdown": "Body", "topic_id": topic.id, "segment_id": everyone.id})
    assert response.status_code == 400 and "invisible control characters" in response.get_data(as_text=True)
