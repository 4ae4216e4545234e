"""The app under gunicorn on a loopback port, for multi-process tests and the benchmarks.

The one gunicorn runner of the project: bench/ uses it too. The server's log is a file the
tests can read ("database is locked", tracebacks); /proc gives its workers' CPU and memory.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.support import gunicorn_ready
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def production_env(database_url: str, instance_path: str, **extra) -> dict:
    env = dict(os.environ, APP_ENV="production", SECRET_KEY="gunicorn-test-" + "k" * 50,
               DATABASE_URL=database_url, INSTANCE_PATH=instance_path, FLASK_APP="wsgi",
               PUBLIC_URL="http://127.0.0.1",
               SESSION_COOKIE_SECURE="0")
    env.pop("TEST_DATABASE_URL", None)
    env.update({key: str(value) for key, value in extra.items()})
    return env


def migrate(env: dict) -> None:
    result = subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"flask db upgrade failed:\n{result.stderr[-3000:]}")


def flask_command(env: dict, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``flask <args>`` as an operator would, with the app's production environment."""
    process = start_flask_command(env, *args)
    output, errors = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, output, errors)


def start_flask_command(env: dict, *args: str) -> subprocess.Popen:
    """Start ``flask <args>`` (as flask_command does) and return at once, for commands run side by side."""
    return subprocess.Popen([str(BIN / "flask"), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


class GunicornServer:
    """A gunicorn master with ``workers`` sync workers serving ``app`` on a loopback port.

    Its log goes to ``log_path`` (a temporary file when not given).
    """

    def __init__(self, env: dict, log_path: Path | None = None, workers: int = 2, app: str = "wsgi:app",
                 request_timeout: int = 120):
        self.env, self.workers, self.app, self.request_timeout = env, workers, app, request_timeout
        self.log_path = Path(log_path) if log_path else Path(tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1])
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "GunicornServer":
        self._log = open(self.log_path, "ab")
        self.ready_dir = Path(tempfile.mkdtemp(prefix="gunicorn-ready-"))
        try:
            self._start_and_wait()
        except BaseException:   # a failed start or a Ctrl-C leaves no gunicorn and no directory behind
            self.stop()
            raise
        return self

    def _start_and_wait(self) -> None:
        command = [str(BIN / "gunicorn"), "--config", gunicorn_ready.__file__,
                   "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
                   "--log-level", "warning", "--timeout", str(self.request_timeout), "--graceful-timeout", "5", self.app]
        env = dict(self.env, **{gunicorn_ready.READY_DIR: str(self.ready_dir)})
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log, stderr=self._log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self._every_worker_ready() and self._answers():
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start within 60 s:\n{self.log()[-3000:]}")

    def _every_worker_ready(self, old: set[int] | frozenset[int] = frozenset()) -> bool:
        """All ``workers`` are running, none of them in ``old``, and each has loaded the app."""
        pids = set(self.worker_pids())
        ready = {int(path.name) for path in self.ready_dir.iterdir()}
        return len(pids) == self.workers and not pids & old and pids <= ready

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/about", timeout=5):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        shutil.rmtree(self.ready_dir, ignore_errors=True)

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except FileNotFoundError:
            return []
        return [int(pid) for pid in children]

    def wait_for_new_workers(self, old: set[int], timeout: float = 30) -> None:
        """After killing workers: wait until gunicorn has replaced every one of them and the
        new ones have loaded the app."""
        for pid in old:   # a new worker may be given a dead one's pid
            (self.ready_dir / str(pid)).unlink(missing_ok=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._every_worker_ready(old):
                return
            time.sleep(0.05)
        raise AssertionError("gunicorn did not replace the killed workers")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def worker_stats(self) -> dict[int, dict]:
        """Per worker: CPU seconds used, peak resident memory (VmHWM) and resident memory now, in MB."""
        stats = {}
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            memory = {}
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(("VmHWM:", "VmRSS:")):
                    memory[line.split(":")[0]] = int(line.split()[1]) / 1024
            stats[pid] = {"cpu": (int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
                          "hwm_mb": memory.get("VmHWM", 0.0), "rss_mb": memory.get("VmRSS", 0.0)}
        return stats

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by all the workers."""
        return sum(worker["cpu"] for worker in self.worker_stats().values())

    def __enter__(self) -> "GunicornServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def gunicorn_app(database_url: str, instance_path: str, workers: int = 2, **extra_env):
    """Migrate ``database_url`` and serve the app there with ``workers`` gunicorn workers.

    The server has ``database_url`` and ``env`` attributes, for checking rows and running CLI commands.
    """
    env = production_env(database_url, instance_path, **extra_env)
    migrate(env)
    server = GunicornServer(env, Path(instance_path) / "gunicorn.log", workers=workers).start()
    server.database_url = database_url
    try:
        yield server
    finally:
        server.stop()
