"""A real SMTP server on loopback that keeps what it receives."""
import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from harness.servers import free_port

__all__ = ["Inbox", "free_port", "start_smtp_server"]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def last_to(self, address: str):
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in self.messages]}"
        return found[-1]


def start_smtp_server() -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, inbox


def body_of(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()
