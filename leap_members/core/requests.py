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
