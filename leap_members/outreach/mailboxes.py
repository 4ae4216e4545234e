"""Where returned mail is read from (a maildir, or an IMAP folder over SSL), and the pass over it.

A message is moved away only after what it says is committed: one that was recorded (or was
already), or an unsubscribe, goes to the ``processed`` folder (Maildir++ ``.processed`` inside the
maildir; IMAP folder ``processed``), or is deleted with ``--delete``. Messages that name none of our
messages, or cannot be read, stay where they are for a person to look at, and are counted.
"""
import imaplib
import mailbox
import ssl
from collections import Counter
from collections.abc import Iterator
from typing import Protocol

from ..extensions import db
from .returned_mail import KNOWN, RECORDED, UNPARSEABLE, UNSUBSCRIBED, apply, parse

PROCESSED = "processed"
DONE = (RECORDED, KNOWN, UNSUBSCRIBED)


class Mailbox(Protocol):
    def messages(self) -> Iterator[tuple[str, bytes]]: ...
    def done(self, key: str) -> None: ...
    def close(self) -> None: ...


def process(box: Mailbox, unsubscribe_address: str) -> Counter:
    """Read every message of ``box``, each in its own commit; how many had each outcome."""
    counts: Counter = Counter()
    for key, raw in box.messages():
        returned = parse(raw, unsubscribe_address)
        outcome = UNPARSEABLE if returned is None else apply(returned)
        db.session.commit()
        counts[outcome] += 1
        if outcome in DONE:
            box.done(key)
    box.close()
    return counts


class Maildir:
    def __init__(self, path: str, delete: bool):
        self.box = mailbox.Maildir(path, factory=None, create=False)
        self.delete = delete

    def messages(self) -> Iterator[tuple[str, bytes]]:
        for key in list(self.box.keys()):
            yield key, self.box.get_bytes(key)

    def done(self, key: str) -> None:
        if not self.delete:
            self.box.add_folder(PROCESSED).add(self.box.get_message(key))
        self.box.remove(key)

    def close(self) -> None:
        self.box.close()


class Imap:
    """One IMAP folder; ``connection`` is an logged-in imaplib.IMAP4 (or anything that answers alike)."""

    def __init__(self, connection: imaplib.IMAP4, folder: str, delete: bool):
        self.connection, self.delete = connection, delete
        self._check(connection.select(folder))

    @classmethod
    def connect(cls, config, delete: bool) -> "Imap":
        connection = imaplib.IMAP4_SSL(config["IMAP_HOST"], config["IMAP_PORT"],
                                       ssl_context=ssl.create_default_context(), timeout=30)
        connection.login(config["IMAP_USERNAME"], config["IMAP_PASSWORD"])
        return cls(connection, config["IMAP_FOLDER"], delete)

    def messages(self) -> Iterator[tuple[str, bytes]]:
        found = self._check(self.connection.uid("SEARCH", "ALL"))
        for uid in (found[0] or b"").decode().split():
            parts = self._check(self.connection.uid("FETCH", uid, "(BODY.PEEK[])"))
            raw = next((part[1] for part in parts if isinstance(part, tuple)), None)
            if raw is not None:
                yield uid, raw

    def done(self, key: str) -> None:
        if not self.delete:
            self.connection.create(PROCESSED)   # answers NO when it exists already
            self._check(self.connection.uid("COPY", key, PROCESSED))
        self._check(self.connection.uid("STORE", key, "+FLAGS", r"(\Deleted)"))

    def close(self) -> None:
        self.connection.expunge()
        self.connection.logout()

    @staticmethod
    def _check(answer: tuple) -> list:
        status, data = answer
        if status != "OK":
            raise imaplib.IMAP4.error(f"the IMAP server answered {status}: {data!r}")
        return data
