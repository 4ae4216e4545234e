"""Checks every request passes before any view sees it."""
import re

from flask import Flask, abort, request

# NUL and the other C0 control characters, and DEL. Tab, CR and LF included: no page takes them
# in its address.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def register(app: Flask) -> None:
    @app.before_request
    def refuse_control_characters_in_address():
        # PostgreSQL refuses NUL in text, and a control character in a slug, token or filter means
        # the link was mangled or forged: answer 400 here rather than 500 deep in a query. Hooks run
        # before routing's 404 is raised, so every address, known or not, gives the same answer.
        texts = [request.path, *(text for key, values in request.args.lists() for text in (key, *values))]
        if any(_CONTROL_CHARACTER.search(text) for text in texts):
            abort(400, "The address contains a character that is not allowed: an invisible control "
                       "character such as a NUL byte. Check the link, or type the address again.")

    @app.before_request
    def refuse_json_bodies_sent_to_forms():
        # Flask-WTF reads a JSON body as if it were the form; a JSON list or nested object then
        # reaches the fields' filters and fails with a 500. The forms are only ever sent as
        # forms, so only views marked ``accepts_json`` (the Stripe and bounce webhooks) take JSON.
        if request.is_json and request.method not in ("GET", "HEAD", "OPTIONS") and view_lacks(app, "accepts_json"):
            abort(415, "This address takes form submissions, not JSON.")

    @app.before_request
    def refuse_files_sent_to_forms_without_a_file_field():
        # Flask-WTF hands the uploaded files to every field: a file sent under a text field's
        # name reaches filters and validators that expect text and fails with a 500. Only views
        # marked ``accepts_files`` (the member import) have a file field.
        if request.mimetype == "multipart/form-data" and request.files and view_lacks(app, "accepts_files"):
            abort(400, "This form does not take files. Send it from its page without attaching anything.")


def view_lacks(app: Flask, mark: str) -> bool:
    """Whether the request found a view (it is not a 404) and that view does not carry ``mark``."""
    endpoint = request.endpoint
    return endpoint is not None and not getattr(app.view_functions.get(endpoint), mark, False)
