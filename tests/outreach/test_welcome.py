"""The welcome series: each step on its day after confirming, once, and never after unsubscribing."""
from datetime import timedelta

from sqlalchemy import select

from leap_members.core.timeutil import utcnow
from leap_members.mail.models import OutboxMessage
from leap_members.outreach.models import Mailing, MailingStatus, WelcomeStep


def add_step(db, topic, position, days, subject):
    mailing = Mailing(subject=subject, body_markdown="Hello {{ first_name }}.", topic_id=topic.id,
                      status=MailingStatus.WELCOME)
    db.session.add(mailing)
    db.session.flush()
    step = WelcomeStep(position=position, delay_days=days, mailing_id=mailing.id,
                       created_at=utcnow() - timedelta(days=30))
    db.session.add(step)
    db.session.commit()
    return step


def test_each_step_goes_on_its_day_once_and_stops_when_the_member_unsubscribes(
        db, topic, member_factory, run_worker):
    add_step(db, topic, 1, 0, "Welcome")
    add_step(db, topic, 2, 3, "Your first action")
    add_step(db, topic, 3, 10, "Meet a speaker")
    new = member_factory(first_name="Nia", email="nia@example.org", email_updates=True,
                         email_confirmed_at=utcnow() - timedelta(days=4))
    leaving = member_factory(email="leaving@example.org", email_updates=True,
                             email_confirmed_at=utcnow() - timedelta(days=4))
    old = member_factory(email="old@example.org", email_updates=True, email_confirmed_at=utcnow() - timedelta(days=90))
    leaving.email_updates = False
    db.session.commit()
    inbox = run_worker(passes=2)
    assert sorted(m["Subject"] for m in inbox.to(new.email)) == ["Welcome", "Your first action"]
    assert inbox.to(leaving.email) == [] and inbox.to(old.email) == []
    inbox.clear()
    run_worker()
    assert inbox.messages == []   # nobody gets a step twice
    new.email_confirmed_at = utcnow() - timedelta(days=11)
    db.session.commit()
    assert [m["Subject"] for m in run_worker().to(new.email)] == ["Meet a speaker"]


def test_staff_see_the_steps_and_who_is_at_which(db, topic, member_factory, run_worker, staff_client):
    add_step(db, topic, 1, 0, "Welcome")
    member_factory(first_name="Nia", last_name="Step", email_updates=True, email_confirmed_at=utcnow())
    run_worker()
    page = staff_client.get("/staff/outreach/welcome").get_data(as_text=True)
    assert "Welcome" in page and "Nia Step" in page
    response = staff_client.post("/staff/outreach/welcome/new", data={
        "delay_days": "400", "subject": "Late", "body_markdown": "x", "topic_id": topic.id})
    assert response.status_code == 400 and "from 0 to 365" in response.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.subject == "Late")) is None
