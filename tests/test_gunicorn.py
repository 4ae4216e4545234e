"""wsgi.py served by gunicorn with production settings, as an operator would run it."""
import os
import subprocess
import time
import urllib.request

from tests.conftest import DATABASE_URL
from tests.support import servers
from tests.support.servers import BIN, ROOT, GunicornServer
from tests.support.smtp import free_port


def production_env(tmp_path) -> dict:
    url = f"sqlite:///{tmp_path}/prod.db" if DATABASE_URL.startswith("sqlite") else DATABASE_URL
    return servers.production_env(url, str(tmp_path))


def fetch(url: str, attempts: int = 100):
    """GET ``url``, waiting for the server to come up."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read().decode(), response.headers
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"no answer from {url}")


def test_gunicorn_serves_the_app_with_production_headers(tmp_path):
    env = production_env(tmp_path)
    if env["DATABASE_URL"].startswith("sqlite"):
        subprocess.run([BIN / "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([BIN / "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status, body, headers = fetch(f"http://127.0.0.1:{port}/about")
        assert status == 200
        assert "Who can join?" in body
        assert headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        server.terminate()
        server.wait(10)


def test_gunicorn_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run([BIN / "python", "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_test_and_bench_runner_starts_only_once_every_worker_has_loaded_the_app(tmp_path):
    """The bench reads a fresh worker's memory and CPU right after start: a worker still importing
    the app would count its import as the first request's cost."""
    env = dict(os.environ, SLOW_START_DIR=str(tmp_path))
    with GunicornServer(env, workers=2, app="tests.support.slow_start_app:app") as server:
        loaded = {path.name for path in tmp_path.glob("loaded-*")}
        assert loaded == {f"loaded-{pid}" for pid in server.worker_pids()}
