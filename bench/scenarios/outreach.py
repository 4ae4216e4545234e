"""Bulk e-mail: writing a segment's outbox rows, and delivering them to a local SMTP server.

- outbox: the app's batched INSERT ... SELECT for every member of the segment who may get the topic,
  against one INSERT ... SELECT of the same ids written by hand in the same database; Python's
  peak memory while it runs (tracemalloc), which must not grow with the segment.
- delivery: messages per second from two `flask send-mail` workers (rendering each member's copy,
  checking who may still get it, marking each sent) to an aiosmtpd server on loopback, against a
  bare smtplib loop sending the same number of pre-rendered messages over one connection.
"""
import signal
import smtplib
import subprocess
import time
import tracemalloc
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from sqlalchemy import delete, func, select, text

from harness.servers import BIN, ROOT, free_port
from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage
from leap_members.members.models import Member
from leap_members.outreach import sending
from leap_members.outreach.models import Mailing, MailingStatus, Segment, Topic

from ..context import BenchContext, app_env
from ..inproc import app_for
from ..report import Row
from . import scenario

OUTBOX_RATIO = 3.0
DELIVERY_RATIO = 0.5
DELIVERY_MESSAGES = 2000
SEND_WORKERS = 2


class Sink:
    """Counts the bulk messages it receives (other mail due in the outbox goes out too),
    keeping nothing."""

    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        if b"List-Unsubscribe-Post:" in envelope.content:
            self.received += 1
        return "250 OK"


def _mailing(segment_query: str = "") -> Mailing:
    topic = Topic(name=f"Bench alerts {time.time_ns()}")
    segment = Segment(name=f"Bench segment {time.time_ns()}", query=segment_query)
    db.session.add_all([topic, segment])
    db.session.flush()
    mailing = Mailing(subject="Hearing on Thursday, {{ first_name }}",
                      body_markdown="Dear {{ first_name }},\n\nThe **hearing** is on Thursday. Please come.",
                      topic_id=topic.id, segment_id=segment.id, status=MailingStatus.SENDING)
    db.session.add(mailing)
    db.session.commit()
    return mailing


def _clean_up() -> None:
    """Take out what a bench run added: its messages (with their outbox rows), segments and topics."""
    bench_mailings = select(Mailing.id).where(Mailing.subject.like("Hearing on Thursday%"))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.mailing_id.in_(bench_mailings)))
    db.session.execute(delete(Mailing).where(Mailing.id.in_(bench_mailings)))
    db.session.execute(delete(Segment).where(Segment.name.like("Bench %")))
    db.session.execute(delete(Topic).where(Topic.name.like("Bench %")))
    db.session.commit()


@scenario("outbox")
def outbox(ctx: BenchContext) -> list[Row]:
    app = app_for(ctx.database_url)
    with app.app_context():
        _clean_up()
        mailing = _mailing()
        where = sending.audience(mailing)
        expected = db.session.scalar(select(func.count()).select_from(Member).where(*where))
        # By hand: the same members' rows, one statement, into the same table (same indexes), for a
        # second message that is then deleted.
        other = _mailing()
        ids = select(Member.id).where(*where)
        started = time.perf_counter()
        db.session.execute(text(
            "INSERT INTO outbox_messages (to_address, subject, kind, transactional, mailing_id, member_id, message_id, "
            "created_at, next_attempt_at, attempts) SELECT email, 'Hearing', 'mailing', false, :mailing, id, "
            "'<by-hand.' || id || '@leap.example>', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0 FROM members "
            f"WHERE id IN ({ids.compile(db.engine, compile_kwargs={'literal_binds': True})})"), {"mailing": other.id})
        db.session.commit()
        by_hand = time.perf_counter() - started
        tracemalloc.start()
        started = time.perf_counter()
        written = sending.write_outbox()
        app_seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        _clean_up()
        db.engine.dispose()
    ratio = app_seconds / by_hand
    row = Row(f"outbox rows for a segment ({expected:,} recipients)", ratio=ratio,
              target=f"<= {OUTBOX_RATIO} x one INSERT ... SELECT by hand")
    row.passed = row.check("ratio", ratio, OUTBOX_RATIO, at_most=True) and written == expected
    row.notes.update({"app": f"{app_seconds:.2f} s in batches of {sending.BATCH}", "rows written": written,
                      "recipients": expected,
                      "by hand": f"{by_hand:.2f} s", "Python peak memory while writing": f"{peak / 2**20:.1f} MB"})
    return [row]


def _bare_smtplib(port: int, count: int) -> float:
    message = EmailMessage()
    message["From"], message["Subject"] = "members@leap.example", "Hearing on Thursday"
    message.set_content("Dear member,\n\nThe hearing is on Thursday.\n")
    message.add_alternative("<p>Dear member,</p><p>The <strong>hearing</strong> is on Thursday.</p>", subtype="html")
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(count):
            del message["To"]
            message["To"] = f"reader{n}@example.org"
            smtp.send_message(message)
    return count / (time.perf_counter() - started)


@scenario("delivery")
def delivery(ctx: BenchContext) -> list[Row]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        bare = _bare_smtplib(port, DELIVERY_MESSAGES)
        app = app_for(ctx.database_url)
        with app.app_context():
            _clean_up()
            mailing = _mailing()
            first_ids = select(Member.id).where(*sending.audience(mailing)).order_by(Member.id).limit(
                DELIVERY_MESSAGES).subquery()
            sending.insert_rows(mailing.id, mailing.subject, Member.id.in_(select(first_ids.c.id)))
            db.session.execute(Mailing.__table__.update().where(Mailing.id == mailing.id)
                               .values(queued_at=func.now(), recipients=DELIVERY_MESSAGES))
            db.session.commit()
            queued = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                       .where(OutboxMessage.mailing_id == mailing.id))
            sink.received = 0
            db.session.commit()   # no transaction of ours open while the workers write
            env = {**app_env(ctx.database_url), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
                   "MAIL_BULK_PER_MINUTE": "1000000"}
            started = time.perf_counter()
            workers = [subprocess.Popen([str(BIN / "flask"), "send-mail", "--loop", "--interval", "0.1"], cwd=ROOT,
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                       for _ in range(SEND_WORKERS)]
            deadline = time.monotonic() + 600
            while sink.received < queued and time.monotonic() < deadline:
                time.sleep(0.02)
            seconds = time.perf_counter() - started
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
                worker.wait(30)
            sent = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.mailing_id == mailing.id, OutboxMessage.sent_at.is_not(None)))
            _clean_up()
            db.engine.dispose()
    finally:
        controller.stop()
    rate = queued / seconds
    ratio = rate / bare
    row = Row(f"bulk delivery to a local SMTP server, {SEND_WORKERS} workers", rps=rate, ratio=ratio,
              target=f">= {DELIVERY_RATIO} x a bare smtplib loop")
    row.passed = row.check("ratio", ratio, DELIVERY_RATIO) and sent == queued == sink.received
    row.notes.update({"app": f"{seconds:.1f} s, the workers' start-up included", "messages": queued,
                      "received": sink.received, "marked sent": sent,
                      "bare smtplib": f"{bare:.0f} messages/s over one connection, pre-rendered"})
    return [row]
