"""What every scenario gets: the running servers, the baseline and the run's settings."""
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from harness.servers import BIN, ROOT, GunicornServer

from .load import LoadResult, run_wrk

# Test keys only: the app signs nothing with them, and STRIPE_API_BASE points at a closed
# local port, so no request can leave the machine.
STRIPE_SECRET_KEY = "sk_test_bench"
STRIPE_WEBHOOK_SECRET = "whsec_bench_" + "s" * 24


@dataclass
class BenchContext:
    app_server: GunicornServer
    hello_server: GunicornServer
    database_url: str
    members: int
    duration: int
    out_dir: Path
    export_1m: bool = False
    baselines: list[LoadResult] = field(default_factory=list)

    def hello_world(self) -> LoadResult:
        """Load hello-world now: each scenario is compared with the baseline measured just before it,
        so a neighbour's load on a shared machine weighs on both sides of the ratio alike."""
        result = run_wrk(self.hello_server.url + "/", self.duration)
        self.baselines.append(result)
        return result

    @property
    def baseline(self) -> LoadResult:
        """The latest hello-world measurement."""
        return self.baselines[-1]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def app_env(database_url: str) -> dict:
    """Production settings, except the rate limits: all load comes from one address."""
    env = dict(os.environ)
    env.update({
        "APP_ENV": "production", "SECRET_KEY": "bench-secret-key-" + "x" * 40, "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "0", "FLASK_APP": "wsgi",
        "PUBLIC_URL": "http://127.0.0.1",
        "INSTANCE_PATH": str(ROOT / "bench" / "out" / "instance"),
        "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY, "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
        "STRIPE_API_BASE": "http://127.0.0.1:9", "STRIPE_MAX_NETWORK_RETRIES": "0",
    })
    return env


def flask_command(database_url: str, *args: str, **extra_env: str) -> str:
    result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env={**app_env(database_url), **extra_env},
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout
