"""A send worker killed with SIGKILL in the middle of a bulk message: the next worker finishes it and
every recipient is mailed, nobody gets two different messages, and at most the one message that
was on the wire when the worker died arrives twice (with the same Message-ID, which mail systems
drop as a duplicate)."""
import asyncio
import os
import signal
import time
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from leap_members.extensions import db
from leap_members.outreach.models import Mailing, MailingStatus, Segment, Topic
from tests.conftest import DATABASE_URL
from tests.support.database import app_on, fresh_database, query_value
from tests.support.factories import make_member
from tests.support.servers import migrate, production_env, start_flask_command
from tests.support.smtp import Inbox, free_port

RECIPIENTS = 240


class SlowInbox(Inbox):
    """An SMTP server that takes a few milliseconds per message, as a real one does."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def sink():
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_worker_killed_mid_send_leaves_every_recipient_mailed_once(sink, tmp_path):
    port, inbox = sink
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        env = production_env(url, str(tmp_path), SMTP_HOST="127.0.0.1", SMTP_PORT=port, WORKER_LEASE_SECONDS=2,
                             MAIL_BULK_PER_MINUTE=100000)
        migrate(env)
        with app_on(url):
            for n in range(RECIPIENTS):
                make_member(email=f"reader{n}@example.org", email_updates=True)
            topic, segment = Topic(name="Action alerts"), Segment(name="Everyone", query="")
            db.session.add_all([topic, segment])
            db.session.flush()
            db.session.add(Mailing(subject="Hearing", body_markdown="Hi {{ first_name }}", topic_id=topic.id,
                                   segment_id=segment.id, status=MailingStatus.SENDING))
            db.session.commit()
        worker = start_flask_command(env, "send-mail", "--loop", "--interval", "0.2")
        wait_until(lambda: len(inbox.messages) >= RECIPIENTS // 3, 60, "the first third to arrive")
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate(timeout=10)   # reaped, its pipes closed
        arrived_before_restart = len(inbox.messages)
        assert arrived_before_restart < RECIPIENTS
        worker = start_flask_command(env, "send-mail", "--loop", "--interval", "0.2")
        try:
            wait_until(lambda: query_value(url, "SELECT count(*) FROM mailings WHERE status = 'sent'") == 1, 90,
                       "the message to be finished")
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.communicate(timeout=20)
        with app_on(url):
            unsent = db.session.scalar(select(db.func.count()).select_from(db.metadata.tables["outbox_messages"])
                                       .where(db.metadata.tables["outbox_messages"].c.sent_at.is_(None)))
    per_address = Counter(message["To"] for message in inbox.messages)
    ids_per_address = {address: {m["Message-ID"] for m in inbox.messages if m["To"] == address}
                       for address in per_address}
    assert set(per_address) == {f"reader{n}@example.org" for n in range(RECIPIENTS)}
    assert all(len(ids) == 1 for ids in ids_per_address.values())
    assert sum(per_address.values()) - RECIPIENTS <= 1, "more than the message on the wire arrived twice"
    assert unsent == 0
