"""Checks every request passes before any view sees it."""
from flask import Flask, abort, request


def register(app: Flask) -> None:
    @app.before_request
    def refuse_nul_in_query_string():
        # No page has a use for a NUL byte in a URL parameter, and PostgreSQL refuses
        # them in text: answer 400 here rather than 500 deep in a query.
        for values in request.args.listvalues():
            if any("\x00" in value for value in values):
                abort(400, "The address contains a character that is not allowed.")

    @app.before_request
    def refuse_json_bodies_sent_to_forms():
        # Flask-WTF reads a JSON body as if it were the form; a JSON list or nested object then
        # reaches the fields' filters and fails with a 500. The forms are only ever sent as
        # forms, so only views marked ``accepts_json`` (the Stripe webhook) take JSON.
        if request.is_json and request.method not in ("GET", "HEAD", "OPTIONS") and request.endpoint:
            if not getattr(app.view_functions.get(request.endpoint), "accepts_json", False):
                abort(415, "This address takes form submissions, not JSON.")
