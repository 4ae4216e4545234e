"""`flask process-bounces`: returned mail in the bounce mailbox stops bulk mail to the address it names."""
import mailbox

import pytest
from sqlalchemy import func, select

from leap_members.mail.models import OutboxMessage
from leap_members.outreach import returned_mail, sending, verp
from leap_members.outreach.mailboxes import Imap, process
from leap_members.outreach.models import DeliveryEvent, Suppression, SuppressionReason, TopicChoice
from leap_members.outreach.rendering import unsubscribe_token
from tests.outreach.reports_to_send import arf, dsn, original

RETURN_PATH = "bounces@leap.example"
UNSUBSCRIBE = "unsubscribe@leap.example"


@pytest.fixture
def sent(app, db, member_factory, staff, make_mailing, run_worker):
    """A bulk message sent to Ana and Ben with VERP return paths: their outbox rows, by first name."""
    app.config.update(MAIL_RETURN_PATH=RETURN_PATH, MAIL_UNSUBSCRIBE_ADDRESS=UNSUBSCRIBE)
    for name in ("ana", "ben"):
        member_factory(first_name=name.title(), email=f"{name}@example.org", email_updates=True)
    mailing = make_mailing()
    sending.send(mailing.id, staff)
    inbox = run_worker()
    assert len(inbox.messages) == 2
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.mailing_id == mailing.id))
    return {row.to_address.split("@")[0]: row for row in rows}


@pytest.fixture
def maildir(tmp_path):
    box = mailbox.Maildir(tmp_path / "bounces")
    return box


def deliver_to(box: mailbox.Maildir, *messages: bytes) -> None:
    for message in messages:
        box.add(message)


def run(runner, box, *extra):
    result = runner.invoke(args=["process-bounces", "--maildir", box._path, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def suppression_of(db, address):
    return db.session.scalar(select(Suppression).where(Suppression.address == address,
                                                       Suppression.lifted_at.is_(None)))


def test_a_dsn_to_the_verp_address_suppresses_that_message_s_recipient_and_is_moved(db, runner, sent, maildir):
    ana = sent["ana"]
    returned = original("ana@example.org", ana.message_id)
    deliver_to(maildir, dsn(verp.return_path(ana.id), "ana@example.org", returned))
    output = run(runner, maildir)
    assert "read 1: 1 bounces or complaints recorded" in output
    assert suppression_of(db, "ana@example.org").reason == SuppressionReason.HARD_BOUNCE
    event = db.session.scalar(select(DeliveryEvent))
    assert (event.source, event.outbox_message_id, event.mailing_id) == ("mailbox", ana.id, ana.mailing_id)
    assert "5.1.1" in event.detail
    assert len(maildir) == 0 and len(maildir.get_folder("processed")) == 1
    assert suppression_of(db, "ben@example.org") is None


def test_the_same_dsn_read_twice_is_one_event_and_delete_removes_it(db, runner, sent, maildir):
    report = dsn(verp.return_path(sent["ana"].id), "ana@example.org", None)
    deliver_to(maildir, report, report)
    assert "1 bounces or complaints recorded, 1 already known" in run(runner, maildir, "--delete")
    assert db.session.scalar(select(func.count()).select_from(DeliveryEvent)) == 1
    assert len(maildir) == 0 and "processed" not in maildir.list_folders()


def test_a_dsn_without_verp_finds_the_message_by_its_message_id(db, runner, sent, maildir):
    ben = sent["ben"]
    deliver_to(maildir, dsn(RETURN_PATH, "ben@example.org", original("ben@example.org", ben.message_id)))
    run(runner, maildir)
    assert db.session.scalar(select(DeliveryEvent.outbox_message_id)) == ben.id
    assert suppression_of(db, "ben@example.org") is not None


def test_a_bounce_from_where_the_member_forwards_suppresses_the_address_we_sent_to(db, runner, sent, maildir):
    deliver_to(maildir, dsn(verp.return_path(sent["ana"].id), "ana.forward@elsewhere.example", None))
    run(runner, maildir)
    assert suppression_of(db, "ana.forward@elsewhere.example") is None
    assert "reported for ana.forward@elsewhere.example" in suppression_of(db, "ana@example.org").detail


def test_a_delayed_or_4xx_report_is_a_soft_bounce(db, runner, sent, maildir):
    ana = sent["ana"]
    deliver_to(maildir, dsn(verp.return_path(ana.id), "ana@example.org", None, action="delayed", status="4.4.7"),
               dsn(verp.return_path(ana.id), "ana@example.org", None, status="4.2.2", report_id="<dsn-2@mx>"))
    run(runner, maildir)
    kinds = db.session.scalars(select(DeliveryEvent.kind)).all()
    assert kinds == ["soft-bounce", "soft-bounce"] and suppression_of(db, "ana@example.org") is None


def test_a_forged_report_naming_no_message_of_ours_is_left_alone(db, runner, sent, maildir):
    forged_verp = verp.return_path(sent["ana"].id).replace("+", "+9")   # the signature no longer matches
    deliver_to(maildir, dsn(forged_verp, "ana@example.org", original("ana@example.org", "<not-ours@example.net>")))
    assert "1 about no message of ours (left)" in run(runner, maildir)
    assert db.session.scalar(select(func.count()).select_from(DeliveryEvent)) == 0
    assert len(maildir) == 1


def test_an_arf_complaint_suppresses_the_recipient(db, runner, sent, maildir):
    ben = sent["ben"]
    # Feedback loops often hide the recipient: the VERP return path in Original-Mail-From names the message.
    returned = original("redacted@example.invalid", "<redacted@example.invalid>")
    deliver_to(maildir, arf(RETURN_PATH, verp.return_path(ben.id), returned))
    run(runner, maildir)
    assert suppression_of(db, "ben@example.org").reason == SuppressionReason.COMPLAINT


def test_an_unsubscribe_sent_to_the_list_unsubscribe_mailto_turns_the_topic_off(db, runner, sent, maildir, topic,
                                                                                 inbox):
    ana = sent["ana"]
    header = inbox.last_to("ana@example.org")["List-Unsubscribe"]
    mailto = header.split("<mailto:")[1].rstrip(">")
    assert mailto.startswith(UNSUBSCRIBE + "?subject=unsubscribe%20")
    token = mailto.split("%20", 1)[1]
    assert token == unsubscribe_token(ana.member_id, ana.mailing_id)
    request = original(UNSUBSCRIBE, "<request-1@example.org>", subject=f"unsubscribe {token}")
    deliver_to(maildir, request.as_bytes())
    assert "1 unsubscribes" in run(runner, maildir)
    choice = db.session.get(TopicChoice, (ana.member_id, topic.id))
    assert choice is not None and choice.subscribed is False
    assert len(maildir) == 0


def test_mail_that_is_not_understood_is_left_and_counted(db, runner, sent, maildir):
    deliver_to(maildir, original(RETURN_PATH, "<hello@example.org>", subject="Out of office").as_bytes(),
               original(UNSUBSCRIBE, "<bad-token@example.org>", subject="unsubscribe not-a-token").as_bytes(),
               b"\x00\xff not mail at all")
    assert "3 not understood (left)" in run(runner, maildir)
    assert len(maildir) == 3


def test_the_command_needs_one_source(runner):
    assert runner.invoke(args=["process-bounces"]).exit_code != 0


def test_parsing_a_dsn_reads_the_recipient_the_action_and_where_verp_may_be():
    report = dsn("bounces+7-abcdef012345@leap.example", "Ana@Example.org",
                 original("ana@example.org", "<m1.2.x@leap.example>"))
    parsed = returned_mail.parse(report)
    assert parsed.report_id == "<20260302163400.ABC123@mx.example.net>"
    assert parsed.message_id == "<m1.2.x@leap.example>"
    assert "bounces+7-abcdef012345@leap.example" in parsed.return_paths
    [bounce] = parsed.bounces
    assert (bounce.kind, bounce.recipient) == ("hard-bounce", "ana@example.org")
    assert bounce.occurred_at.isoformat() == "2026-03-02T16:33:50"


def test_a_success_report_is_no_bounce():
    assert returned_mail.parse(dsn(RETURN_PATH, "ana@example.org", None, action="delivered", status="2.0.0")) is None


class FakeImap:
    """Answers the calls mailboxes.Imap makes, as imaplib would, over a dict of messages."""

    def __init__(self, messages: dict[str, bytes]):
        self.messages, self.folders, self.deleted = dict(messages), {"processed": []}, set()

    def select(self, folder):
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command, *args):
        if command == "SEARCH":
            return "OK", [" ".join(self.messages).encode()]
        if command == "FETCH":
            return "OK", [(f"{args[0]} (UID {args[0]} BODY[] {{99}}".encode(), self.messages[args[0]]), b")"]
        if command == "COPY":
            self.folders[args[1]].append(self.messages[args[0]])
        elif command == "STORE":
            self.deleted.add(args[0])
        return "OK", [None]

    def create(self, folder):
        return "NO", [b"[ALREADYEXISTS] Mailbox exists"]

    def expunge(self):
        for uid in self.deleted:
            self.messages.pop(uid)
        return "OK", [None]

    def logout(self):
        return "BYE", [b"bye"]


def test_imap_moves_processed_mail_to_the_processed_folder_and_leaves_the_rest(db, sent):
    report = dsn(verp.return_path(sent["ana"].id), "ana@example.org", None)
    connection = FakeImap({"41": report, "42": b"Subject: hello\r\n\r\nhi\r\n"})
    counts = process(Imap(connection, "INBOX", delete=False), UNSUBSCRIBE)
    assert counts == {"recorded": 1, "unparseable": 1}
    assert list(connection.messages) == ["42"] and connection.folders["processed"] == [report]
    assert suppression_of(db, "ana@example.org") is not None
