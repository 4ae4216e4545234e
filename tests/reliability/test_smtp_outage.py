"""SMTP down: the real ``flask send-mail`` worker keeps the mail and sends it, once, when SMTP is back.

The mail is queued by a real signup; the worker runs as the operator runs it (a separate
process, production settings) against a real SMTP server (aiosmtpd) that is first absent,
then refusing with a temporary error, then accepting.
"""
import subprocess
import time
from datetime import datetime

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import DATABASE_URL
from tests.support.database import app_on, execute, fresh_database, query_rows, query_value
from tests.support.factories import PASSWORD
from tests.support.servers import BIN, ROOT, flask_command, migrate, production_env
from tests.support.smtp import Inbox, body_of, free_port

ADDRESS = "outage@example.org"


class RefusingInbox(Inbox):
    """An SMTP server that is up but answers "try again later" while ``refusing`` is set."""

    def __init__(self):
        super().__init__()
        self.refusing = True

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Mail system temporarily unavailable, try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def outbox(tmp_path):
    """A migrated database holding one confirmation e-mail from a real signup; the worker's environment."""
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        env = production_env(url, str(tmp_path), SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=0)
        migrate(env)
        with app_on(url) as app:
            form = {"category": "citizen", "first_name": "Otto", "last_name": "Outage", "email": ADDRESS,
                    "password": PASSWORD, "confirm_password": PASSWORD, "city": "Dayton", "state": "OH",
                    "zip_code": "45402"}
            assert app.test_client().post("/join", data=form).status_code == 302
        yield env


def outbox_row(env) -> tuple:
    """(attempts, sent, failed for good, last error) of the confirmation e-mail."""
    attempts, sent_at, failed_at, error = query_rows(
        env["DATABASE_URL"], "SELECT attempts, sent_at, failed_at, last_error FROM outbox_messages "
                             "WHERE to_address = :a", a=ADDRESS)[0]
    return attempts, sent_at is not None, failed_at is not None, error


def back_off_elapses(env) -> None:
    """Stand in for the minutes of back-off between attempts."""
    execute(env["DATABASE_URL"], "UPDATE outbox_messages SET next_attempt_at = :t", t=datetime(2000, 1, 1))


def wait_for(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_send_mail_keeps_the_message_while_smtp_is_down_and_sends_it_once_when_it_returns(outbox):
    result = flask_command(outbox, "send-mail")
    assert result.returncode == 0, result.stderr
    assert "sent 0, failed 1" in result.stdout
    attempts, sent, failed, error = outbox_row(outbox)
    assert (attempts, sent, failed) == (1, False, False) and "SMTP connection failed" in error

    inbox = RefusingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=int(outbox["SMTP_PORT"]))
    controller.start()
    try:
        back_off_elapses(outbox)
        assert "sent 0, failed 1" in flask_command(outbox, "send-mail").stdout  # up, but "try again later"
        assert outbox_row(outbox)[:3] == (2, False, False) and inbox.messages == []

        inbox.refusing = False
        assert "sent 0, failed 0" in flask_command(outbox, "send-mail").stdout  # back-off: not due yet
        back_off_elapses(outbox)
        assert "sent 1, failed 0" in flask_command(outbox, "send-mail").stdout
        assert "sent 0, failed 0" in flask_command(outbox, "send-mail").stdout
    finally:
        controller.stop()
    (message,) = inbox.messages
    assert message["To"] == ADDRESS and "/confirm/" in body_of(message)
    assert outbox_row(outbox)[:3] == (3, True, False)


def test_the_looping_worker_survives_the_outage_and_delivers_when_smtp_returns(outbox):
    worker = subprocess.Popen([str(BIN / "flask"), "send-mail", "--loop", "--interval", "0.2"], cwd=ROOT,
                              env=outbox, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    controller = None
    try:
        wait_for(lambda: outbox_row(outbox)[0] >= 1)   # tried, SMTP absent
        back_off_elapses(outbox)
        wait_for(lambda: outbox_row(outbox)[0] >= 2)   # tried again, still absent
        assert worker.poll() is None, "the worker died while SMTP was down"

        inbox = RefusingInbox()
        inbox.refusing = False
        controller = Controller(inbox, hostname="127.0.0.1", port=int(outbox["SMTP_PORT"]))
        controller.start()
        back_off_elapses(outbox)
        wait_for(lambda: len(inbox.messages) == 1)
        time.sleep(1)  # several more polls: nothing is sent twice
        assert len(inbox.messages) == 1 and inbox.messages[0]["To"] == ADDRESS
        assert outbox_row(outbox)[1] is True
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.communicate(timeout=10)
        if controller:
            controller.stop()
    assert query_value(outbox["DATABASE_URL"], "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL") == 0
