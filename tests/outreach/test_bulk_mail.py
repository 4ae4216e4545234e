"""Bulk messages reach exactly the members who may get them, once, with a working one-click unsubscribe."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from leap_members.core.timeutil import utcnow
from leap_members.mail.models import OutboxMessage
from leap_members.members.models import Consent, MembershipStatus
from leap_members.outreach import sending
from leap_members.outreach.models import MailingStatus, Suppression, SuppressionReason, TopicChoice
from tests.support.smtp import body_of


@pytest.fixture
def crowd(member_factory, db, topic):
    """Who may get a bulk message of ``topic``, and every kind of member who may not."""
    people = {
        "ana": member_factory(first_name="Ana", email="ana@example.org", email_updates=True),
        "ben": member_factory(first_name="Ben", email="ben@example.org", email_updates=True, state="TX"),
        "opted_out": member_factory(email="out@example.org", email_updates=False),
        "unconfirmed": member_factory(email="new@example.org", email_updates=True, confirmed=False),
        "bouncing": member_factory(email="gone@example.org", email_updates=True),
        "merged": member_factory(email="merged-9@merged.invalid", email_updates=True, status=MembershipStatus.MERGED),
        "no_topic": member_factory(email="notopic@example.org", email_updates=True),
    }
    db.session.add(Suppression(address="gone@example.org", reason=SuppressionReason.HARD_BOUNCE, detail="550"))
    db.session.add(TopicChoice(member_id=people["no_topic"].id, topic_id=topic.id, subscribed=False, source="test"))
    db.session.commit()
    return people


def test_a_send_reaches_only_members_who_may_get_the_topic_with_list_unsubscribe(
        db, crowd, staff, make_mailing, run_worker):
    mailing = make_mailing()
    assert sending.check_ready(mailing) == 2
    assert sending.send(mailing.id, staff) is True
    inbox = run_worker()
    assert sorted(m["To"] for m in inbox.messages) == ["ana@example.org", "ben@example.org"]
    received = inbox.last_to("ana@example.org")
    assert received["Subject"] == "Hearing on Thursday, Ana"
    assert "Dear Ana," in body_of(received) and "Unsubscribe: http" in body_of(received)
    assert "<strong>hearing</strong>" in received.get_body(preferencelist=("html",)).get_content()
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["List-Unsubscribe"].startswith("<http") and "/one-click>" in received["List-Unsubscribe"]
    db.session.refresh(mailing)
    assert mailing.status == MailingStatus.SENT and mailing.recipients == 2


def test_the_one_click_post_from_the_header_unsubscribes_without_a_session(
        app, db, crowd, staff, make_mailing, run_worker, topic):
    mailing = make_mailing()
    sending.send(mailing.id, staff)
    header = run_worker().last_to("ana@example.org")["List-Unsubscribe"]
    url = header.split(",")[0].strip("<> ").replace("http://localhost", "")
    response = app.test_client().post(url, data={"List-Unsubscribe": "One-Click"})   # no login, no CSRF token
    assert response.status_code == 200
    choice = db.session.get(TopicChoice, (crowd["ana"].id, topic.id))
    assert choice is not None and choice.subscribed is False
    consent = db.session.scalar(select(Consent).where(Consent.member_id == crowd["ana"].id,
                                                      Consent.kind == f"topic:{topic.id}"))
    assert consent.granted is False and "Action alerts" in consent.wording
    second = make_mailing(subject="Second alert")
    assert sending.check_ready(second) == 1
    sending.send(second.id, staff)
    assert [m["To"] for m in run_worker().messages if m["Subject"] == "Second alert"] == ["ben@example.org"]


def test_a_forged_or_incomplete_one_click_changes_nothing(app, db, crowd, staff, make_mailing, run_worker, topic):
    mailing = make_mailing()
    sending.send(mailing.id, staff)
    header = run_worker().last_to("ana@example.org")["List-Unsubscribe"]
    url = header.split(",")[0].strip("<> ").replace("http://localhost", "")
    client = app.test_client()
    assert client.post(url.replace("/unsubscribe/", "/unsubscribe/x"), data={"List-Unsubscribe": "One-Click"}
                       ).status_code == 404
    assert client.post(url, data={}).status_code == 400
    assert db.session.get(TopicChoice, (crowd["ana"].id, topic.id)) is None


def test_the_footer_link_opens_a_page_to_leave_the_topic_or_everything(app, db, crowd, staff, make_mailing,
                                                                       run_worker):
    mailing = make_mailing()
    sending.send(mailing.id, staff)
    text = body_of(run_worker().last_to("ben@example.org"))
    url = text.split("Unsubscribe: ")[1].split()[0].replace("http://localhost", "")
    client = app.test_client()
    page = client.get(url).get_data(as_text=True)
    assert "Action alerts" in page and "b•••@example.org" in page and "ben@example.org" not in page
    done = client.post(url, data={"scope": "all"}).get_data(as_text=True)
    assert "gets no more e-mail from LEAP" in done
    db.session.refresh(crowd["ben"])
    assert crowd["ben"].email_updates is False


def test_pressing_send_twice_sends_once(db, crowd, staff, make_mailing, run_worker):
    mailing = make_mailing()
    assert sending.send(mailing.id, staff) is True
    assert sending.send(mailing.id, staff) is False
    sending.write_outbox()
    sending.write_outbox()
    inbox = run_worker(passes=3)
    assert len(inbox.to("ana@example.org")) == 1
    count = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.mailing_id == mailing.id))
    assert count == 2


def test_outbox_rows_are_written_in_batches_and_resume_after_the_last_member(db, member_factory, staff,
                                                                             make_mailing):
    for n in range(7):
        member_factory(email=f"reader{n}@example.org", email_updates=True)
    mailing = make_mailing()
    sending.send(mailing.id, staff)
    assert sending.write_outbox(batch=3) == 7
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.mailing_id == mailing.id)).all()
    assert len({row.message_id for row in rows}) == 7 and all(row.body_text is None for row in rows)
    db.session.refresh(mailing)
    assert mailing.recipients == 7 and mailing.queued_at is not None


@pytest.mark.parametrize("change,message", [
    ({"subject": "  "}, "subject is empty"),
    ({"body_markdown": ""}, "message is empty"),
    ({"body_markdown": "Hi {{ nickname }}"}, "is not a merge field"),
    ({"body_markdown": "Sign: {{ action:no-such-action }}"}, "no action"),
])
def test_a_message_that_cannot_be_sent_says_why_and_queues_nothing(db, crowd, staff, make_mailing, change, message):
    mailing = make_mailing(**change)
    with pytest.raises(sending.CannotSend, match=message):
        sending.send(mailing.id, staff)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    db.session.refresh(mailing)
    assert mailing.status == MailingStatus.DRAFT


def test_a_segment_that_matches_nobody_and_a_time_in_the_past_are_refused(db, staff, make_mailing, everyone):
    everyone.query = "state=WY"
    db.session.commit()
    with pytest.raises(sending.CannotSend, match="Nobody would get"):
        sending.send(make_mailing().id, staff)
    with pytest.raises(sending.CannotSend, match="in the past"):
        sending.send(make_mailing().id, staff, when=utcnow() - timedelta(minutes=1))


def test_someone_who_unsubscribes_after_the_send_started_is_skipped(db, crowd, staff, make_mailing, run_worker):
    mailing = make_mailing()
    sending.send(mailing.id, staff)
    sending.write_outbox()
    crowd["ben"].email_updates = False
    db.session.commit()
    inbox = run_worker()
    assert inbox.to("ben@example.org") == [] and len(inbox.to("ana@example.org")) == 1
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "ben@example.org"))
    assert row.state == "skipped"


def test_pause_holds_the_rest_and_cancel_skips_it(db, crowd, staff, make_mailing, run_worker):
    mailing = make_mailing()
    sending.send(mailing.id, staff)
    sending.write_outbox()
    assert sending.set_status(mailing.id, MailingStatus.PAUSED)
    assert run_worker().messages == []
    assert sending.set_status(mailing.id, MailingStatus.CANCELLED)
    assert run_worker().messages == []
    states = db.session.scalars(select(OutboxMessage.skipped_reason).where(OutboxMessage.mailing_id == mailing.id))
    assert set(states) == {sending.SKIPPED_CANCELLED}
    assert not sending.set_status(mailing.id, MailingStatus.SENDING)   # a cancelled message stays cancelled


def test_a_scheduled_message_waits_for_its_time(db, crowd, staff, make_mailing, run_worker):
    mailing = make_mailing()
    sending.send(mailing.id, staff, when=utcnow() + timedelta(hours=1))
    assert run_worker().messages == []
    mailing.scheduled_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert len(run_worker().messages) == 2


def test_smtp_down_during_a_send_resumes_with_nobody_twice_and_nobody_skipped(
        app, db, crowd, staff, make_mailing, run_worker):
    mailing = make_mailing()
    sending.send(mailing.id, staff)
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = 1     # nothing listens there
    assert run_worker().messages == []
    app.config["SMTP_PORT"] = port
    db.session.execute(OutboxMessage.__table__.update().values(next_attempt_at=utcnow()))
    db.session.commit()
    inbox = run_worker(passes=2)
    assert sorted(m["To"] for m in inbox.messages) == ["ana@example.org", "ben@example.org"]


def test_opens_and_clicks_are_counted_only_when_the_sender_asked(app, db, crowd, staff, make_mailing, run_worker):
    from leap_members.outreach.reports import report
    quiet = make_mailing(subject="Quiet", body_markdown="Read [the bill](https://leg.example/bill).")
    sending.send(quiet.id, staff)
    html = run_worker().last_to("ana@example.org").get_body(preferencelist=("html",)).get_content()
    assert 'href="https://leg.example/bill"' in html and "/e/o/" not in html
    counted = make_mailing(subject="Counted", body_markdown="Read [the bill](https://leg.example/bill).",
                           track_engagement=True)
    sending.send(counted.id, staff)
    inbox = run_worker()
    html = [m for m in inbox.to("ana@example.org") if m["Subject"] == "Counted"][0].get_body(
        preferencelist=("html",)).get_content()
    import re
    click = re.search(r'href="http://localhost(/e/c/[^"]+)"', html).group(1)
    pixel = re.search(r'src="http://localhost(/e/o/[^"]+)"', html).group(1)
    client = app.test_client()
    assert client.get(pixel).headers["Content-Type"] == "image/gif"
    response = client.get(click)
    assert response.status_code == 302 and response.location == "https://leg.example/bill"
    client.get(click)
    assert client.get(click.replace("/e/c/", "/e/c/x")).status_code == 404
    db.session.refresh(counted)
    figures = report(counted)
    assert (figures.opens, figures.clicks) == (1, 1) and report(quiet).opens is None


def test_a_worker_stopped_mid_batch_hands_back_its_bulk_rows_with_its_transactional_ones(
        db, crowd, staff, make_mailing):
    from leap_members.mail.sender import send_pending
    from leap_members.mail.services import queue_email
    mailing = make_mailing()
    sending.send(mailing.id, staff)
    sending.write_outbox()
    queue_email("reset@example.org", "Reset", "confirm_email", kind="test", member=crowd["ana"], link="http://x/1")
    db.session.commit()
    assert send_pending(keep_going=lambda: False) == (0, 0)
    leases = db.session.scalars(select(OutboxMessage.next_attempt_at)).all()
    assert len(leases) == 3 and all(due <= utcnow() for due in leases)   # all due again at once, bulk too


def test_an_action_field_links_each_copy_to_the_action_and_a_name_cannot_inject_markup(
        db, crowd, staff, make_mailing, run_worker):
    from tests.advocacy.factories import build_action
    build_action(slug="hearing-letter", title="Write to the committee")
    crowd["ana"].first_name = "<b>Ana</b>"
    db.session.commit()
    mailing = make_mailing(body_markdown="Hi {{ first_name }}: {{ action:hearing-letter }}")
    sending.send(mailing.id, staff)
    received = run_worker().last_to("ana@example.org")
    html = received.get_body(preferencelist=("html",)).get_content()
    assert '<a href="http://localhost/actions/hearing-letter">Write to the committee</a>' in html
    assert "&lt;b&gt;Ana&lt;/b&gt;" in html and "<b>Ana</b>" not in html
    assert "Write to the committee: http://localhost/actions/hearing-letter" in body_of(received)
