"""``/healthz``: the process answers. ``/readyz``: it can serve (503 when the database is
unreachable or behind the code's migrations)."""
from flask import jsonify

from . import bp, checks


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    report = checks.database() | checks.rate_limits()
    ready = report["database"]["ok"] and report["migrations"]["ok"]
    return jsonify(status="ready" if ready else "not ready", **report), 200 if ready else 503
