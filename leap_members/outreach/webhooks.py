"""POST /webhooks/email/<provider>: bounces and complaints reported by the mail provider.

The sender is proven before the body is read (provider_reports.py, sns.py): a request that does
not prove it gets a 4xx and changes nothing, a proven one whose body is wrong gets 400. A 200 means
every report is stored (or was before: a provider's retry is one event); a database failure
answers 503 so that the provider delivers it again.
"""
from flask import abort, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from ..core.access import checks_its_own_access
from ..extensions import csrf, db
from . import bp
from .bounces import record_report
from .provider_reports import Malformed, Refused, read_generic, read_postmark
from .sns import read_ses

READERS = {"generic": read_generic, "postmark": read_postmark, "ses": read_ses}


@bp.post("/webhooks/email/<provider>")
@csrf.exempt   # providers cannot send our CSRF token; a signature or credentials prove the sender instead
@checks_its_own_access("the mail provider, proven by a signature or credentials")
def email_webhook(provider: str):
    read = READERS.get(provider)
    if read is None:
        abort(404, "There is no bounce webhook for this provider.")
    try:
        reports = read(request)
    except Refused as exc:
        current_app.logger.warning("Refused a %s bounce webhook: %s", provider, exc)
        return jsonify(error=str(exc)), exc.status, exc.headers
    except Malformed as exc:
        current_app.logger.warning("Refused a %s bounce webhook whose body is wrong: %s", provider, exc)
        return jsonify(error=str(exc)), 400
    try:
        recorded = sum(record_report(provider, report) for report in reports)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Database error while storing a %s bounce webhook", provider)
        return jsonify(error="temporarily unable to record these events"), 503
    return jsonify(received=len(reports), recorded=recorded), 200


email_webhook.accepts_json = True   # providers post JSON (core/requests.py)
