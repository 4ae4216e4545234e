"""gunicorn settings file for harness.servers: each worker says when it has loaded the app.

The master accepts connections before every worker has imported the app, so without this a
server could look ready while one worker is still starting: its import would count as the first
request's CPU and memory.
"""
import os
from pathlib import Path

READY_DIR = "GUNICORN_READY_DIR"


def post_worker_init(worker):
    """gunicorn calls this in each worker once the app is loaded."""
    Path(os.environ[READY_DIR], str(worker.pid)).touch()
