"""POST /stripe/webhook: Stripe's signed events, stored once each for the event worker to apply.

A 200 means the event is safely stored (or was before); the event worker (events.py) applies it
within seconds. Only a refused signature or envelope (400) or a database failure (503) makes
Stripe retry: a signed event of any shape is stored or refused, never a server error.
"""
import stripe
from flask import current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import csrf, db
from . import bp
from .envelope import check_envelope, printable_id
from .events import DUPLICATE, receive
from .models import EventOutcome
from .stripe_client import verify_webhook


@bp.post("/stripe/webhook")
@csrf.exempt   # Stripe cannot send our CSRF token; the signature proves the sender instead
def stripe_webhook():
    try:
        body = request.get_data(cache=False).decode("utf-8")   # the text Stripe signed, and the text stored
        event = verify_webhook(body, request.headers.get("Stripe-Signature"))
    except stripe.SignatureVerificationError as exc:
        current_app.logger.warning("Refused a Stripe webhook: %s", exc)
        return jsonify(error="invalid signature"), 400
    except (ValueError, RecursionError):   # not UTF-8 (UnicodeDecodeError), not JSON, or nested too deep
        current_app.logger.warning("Refused a signed Stripe webhook whose body is not JSON")
        return jsonify(error="not a JSON event"), 400
    if reason := check_envelope(event):
        current_app.logger.warning("Refused a signed Stripe event %s: %s", printable_id(event), reason)
        return jsonify(error=f"not a Stripe event: {reason}"), 400
    try:
        fresh = receive(event, body)
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Database error while storing Stripe event %s", event["id"])
        # Not stored: a 5xx makes Stripe deliver the event again later.
        return jsonify(error="temporarily unable to record this event"), 503
    return jsonify(received=True, outcome=EventOutcome.QUEUED if fresh else DUPLICATE), 200


stripe_webhook.accepts_json = True   # the only view that takes a JSON body (core/requests.py)
