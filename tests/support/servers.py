"""The app under gunicorn with the tests' production settings, and operators' flask commands.

The gunicorn runner itself lives in harness/servers.py (the bench uses it too); its names are
re-exported here for the tests.
"""
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

from harness.servers import BIN, ROOT, GunicornServer

__all__ = ["BIN", "ROOT", "GunicornServer", "flask_command", "gunicorn_app", "migrate", "production_env",
           "start_flask_command"]


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
