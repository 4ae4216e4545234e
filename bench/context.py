"""What every scenario gets: the running servers, the baseline and the run's settings."""
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .load import LoadResult
from .servers import BIN, ROOT, Server


@dataclass
class BenchContext:
    app_server: Server
    baseline: LoadResult
    database_url: str
    members: int
    duration: int
    out_dir: Path

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def app_env(database_url: str) -> dict:
    """Production settings, except the rate limits: all load comes from one address."""
    env = dict(os.environ)
    env.update({
        "APP_ENV": "production", "SECRET_KEY": "bench-secret-key-" + "x" * 40, "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "0", "FLASK_APP": "wsgi",
        "INSTANCE_PATH": str(ROOT / "bench" / "out" / "instance"),
    })
    return env


def flask_command(database_url: str, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=app_env(database_url),
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout
