"""A WSGI app that one gunicorn worker loads 1.5 s later than the other, for testing the runner."""
import os
import time
from pathlib import Path

_DIR = Path(os.environ["SLOW_START_DIR"])
try:
    (_DIR / "first").open("x").close()
except FileExistsError:   # not the first worker to load the app
    time.sleep(1.5)
(_DIR / f"loaded-{os.getpid()}").touch()


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
