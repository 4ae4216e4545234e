"""A PostgreSQL server owned by the test run, which fault tests may stop, kill and restart.

The shared server on port 5432 is never touched: this one is initdb'ed into a temporary
directory, listens on a free loopback port with its socket in that directory, and is deleted
at the end of the run. As root, the server runs as the ``postgres`` user (PostgreSQL refuses
to run as root).
"""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.support.smtp import free_port


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql: "
                           "install the postgresql package; the fault tests need their own server")
    return Path(found[-1]).parent


class PrivatePostgres:
    def __init__(self):
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="leap-private-pg-"))
        self.data, self.socket_dir, self.log = self.root / "data", self.root / "socket", self.root / "server.log"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self.socket_dir.mkdir()
        if self._as_postgres:
            os.chown(self.socket_dir, user.pw_uid, user.pw_gid)

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        return subprocess.run(prefix + list(command), capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> "PrivatePostgres":
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "--auth=trust", "-U", "postgres",
                  "--encoding=UTF8", "--no-sync")
        return self

    def start(self) -> None:
        # fsync off is safe here: the tests crash the server process, never the machine, so the
        # operating system still holds every write. Commits stay synchronous: a commit the app
        # was told about must survive an immediate stop, exactly as in production.
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c max_connections=100")
        result = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                           "-w", "-t", "60", "start", check=False)
        if result.returncode:
            raise RuntimeError(f"private PostgreSQL did not start: {result.stderr}\n{self.log_text()[-2000:]}")

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; ``immediate`` drops every connection at once, like a crash."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        return self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"leap_fault_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def wait_until_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("private PostgreSQL is not accepting connections")

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except (FileNotFoundError, PermissionError):
            return ""

    def destroy(self) -> None:
        if self.data.exists() and self.running:
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def start_private_postgres() -> PrivatePostgres:
    server = PrivatePostgres().init()
    try:
        server.start()
    except BaseException:
        server.destroy()
        raise
    return server


@pytest.fixture(scope="session")
def private_postgres():
    """One private PostgreSQL server for the run (import this fixture into a conftest to use it)."""
    server = start_private_postgres()
    yield server
    server.destroy()


@pytest.fixture
def postgres(private_postgres):
    """The private server, running when the test starts and again when it ends, whatever happened."""
    if not private_postgres.running:
        private_postgres.start()
    yield private_postgres
    if not private_postgres.running:  # a test that failed half-way through an outage
        private_postgres.start()

