"""Error pages: a clear message, the right status, and a clean session after a 500."""
from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from ..extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.mimetype == "application/json"


def render_error(status: int, title: str, message: str):
    if request.path.startswith("/api/"):   # the API's errors are OSDI's: {"error": "the message"}
        return jsonify(error=message or title), status
    if _wants_json():
        return jsonify(error=title, message=message), status
    try:
        return render_template("errors/error.html", status=status, title=title, message=message), status
    except Exception:  # e.g. the database is down and the page header cannot load the user
        db.session.rollback()
        body = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p>"
        return body, status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "Form expired", "This form has expired or was sent from elsewhere. "
                            "Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 429:
            return render_error(429, "Too many attempts",
                                "You have tried this too many times. Please wait a little and try again.")
        return render_error(error.code or 500, error.name, error.description or "")

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500, "Something went wrong",
                            "We could not finish this request and nothing was saved. Please try again shortly.")
