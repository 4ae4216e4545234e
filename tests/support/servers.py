"""The real app under gunicorn, on a fresh migrated database, for multi-process tests."""
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from bench.servers import Server

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def production_env(database_url: str, instance_path: str, **extra) -> dict:
    env = dict(os.environ, APP_ENV="production", SECRET_KEY="gunicorn-test-" + "k" * 50,
               DATABASE_URL=database_url, INSTANCE_PATH=instance_path, FLASK_APP="wsgi",
               SESSION_COOKIE_SECURE="0")
    env.update({key: str(value) for key, value in extra.items()})
    return env


def migrate(env: dict) -> None:
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)


@contextmanager
def gunicorn_app(database_url: str, instance_path: str, workers: int = 2, **extra_env):
    """Migrate ``database_url`` and serve the app there with ``workers`` gunicorn workers."""
    env = production_env(database_url, instance_path, **extra_env)
    migrate(env)
    server = Server("wsgi:app", env, workers=workers).start()
    try:
        yield server
    finally:
        server.stop()
