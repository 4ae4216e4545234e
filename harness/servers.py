"""The app under gunicorn on a loopback port, for multi-process tests and the benchmarks.

The one gunicorn runner of the project: tests/ and bench/ both use it. The server's log is a file
the tests can read ("database is locked", tracebacks); /proc gives its workers' CPU and memory.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from harness import gunicorn_ready

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A loopback port no one listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
