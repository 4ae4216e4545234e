"""A private redis-server on a free loopback port, for tests that stop, freeze and restart Redis.

Never the shared server on 6379: other tests (and other people's runs) use that one.
"""
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis

from tests.support.smtp import free_port


class PrivateRedis:
    """redis-server in the foreground, nothing saved to disk; ``stop`` kills it like a crash."""

    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="leap-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
                   "--save", "", "--appendonly", "no", "--dir", str(self.root)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.answers():
                return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        """Kill the server (SIGKILL): connections drop, the counters are gone."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def freeze(self) -> None:
        """Stop the process without closing its port: connections open, nothing ever answers."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def keys(self) -> list[bytes]:
        client = redis.Redis(port=self.port, socket_timeout=2)
        try:
            return client.keys("*")
        finally:
            client.close()

    def destroy(self) -> None:
        if self.process and self.process.poll() is None:
            self.thaw()
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_redis():
    """A private Redis, running when the test starts; gone when it ends."""
    server = PrivateRedis()
    server.start()
    yield server
    server.destroy()
