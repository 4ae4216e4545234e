"""POST /stripe/webhook: Stripe's signed events, applied once each, whatever their order."""
import stripe
from flask import current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import csrf, db
from . import bp
from .events import prepare, process_event
from .stripe_client import verify_webhook


@bp.post("/stripe/webhook")
@csrf.exempt   # Stripe cannot send our CSRF token; the signature proves the sender instead
def stripe_webhook():
    payload = request.get_data(cache=False)
    try:
        event = verify_webhook(payload, request.headers.get("Stripe-Signature"))
    except stripe.SignatureVerificationError as exc:
        current_app.logger.warning("Refused a Stripe webhook: %s", exc)
        return jsonify(error="invalid signature"), 400
    except (ValueError, UnicodeDecodeError):
        return jsonify(error="not a JSON event"), 400
    if not isinstance(event, dict) or not event.get("id") or not isinstance(event.get("data"), dict):
        return jsonify(error="not a Stripe event"), 400
    extra = prepare(event)
    try:
        result = process_event(event, source="webhook", extra=extra)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Database error while applying Stripe event %s", event["id"])
        # Not recorded: a 5xx makes Stripe deliver the event again later.
        return jsonify(error="temporarily unable to record this event"), 503
    return jsonify(received=True, outcome=result.outcome, note=result.note), 200


stripe_webhook.accepts_json = True   # the only view that takes a JSON body (core/requests.py)
