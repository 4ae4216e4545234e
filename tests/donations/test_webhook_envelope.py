"""Signed Stripe events of odd shapes: refused with a 400 and a warning, never stored, never a 5xx."""
import json
import logging
import time

import pytest
from sqlalchemy import func, select

from leap_members.donations.events import apply_queued
from leap_members.donations.models import EventOutcome, StripeEvent
from leap_members.extensions import db

from .conftest import stripe_config
from .events import event, signed_post

TAX_ID = {"id": "txi_1", "object": "tax_id"}   # a type we do not act on: nothing else to set up


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(StripeEvent))


def warnings(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]


def shaped(**fields) -> dict:
    """A well-formed event with some envelope fields replaced (None: left out)."""
    body = event("customer.tax_id.created", TAX_ID)
    body.update(fields)
    return {key: value for key, value in body.items() if value is not None}


NOW = int(time.time())
ODD_EVENTS = {
    "created a word": (shaped(created="yesterday"), "created is not"),
    "created NaN": (shaped(created=float("nan")), "created is not"),
    "created Infinity": (shaped(created=float("inf")), "created is not"),
    "created a list": (shaped(created=[1]), "created is not"),
    "created 1e300": (shaped(created=1e300), "created is not"),
    "created a huge integer": (shaped(created=10**30), "created is not"),
    "created past 2038 (32-bit column)": (shaped(created=2**31), "created is not"),
    "created twenty years ahead": (shaped(created=NOW + 20 * 365 * 86400), "created is not"),
    "created zero": (shaped(created=0), "created is not"),
    "created negative": (shaped(created=-1), "created is not"),
    "created true": (shaped(created=True), "created is not"),
    "created missing": (shaped(created=None), "created is not"),
    "id an object": (shaped(id={"evt": 1}), "id is not"),
    "id a list": (shaped(id=["evt_1"]), "id is not"),
    "id a number": (shaped(id=42), "id is not"),
    "id empty": (shaped(id=""), "id is not"),
    "id of 256 characters": (shaped(id="evt_" + "x" * 252), "id is not"),
    "id with NUL": (shaped(id="evt_\x00"), "id is not"),
    "id with a line break": (shaped(id="evt_1\nforged log line"), "id is not"),
    "id missing": (shaped(id=None), "id is not"),
    "type a number": (shaped(type=42), "type is not"),
    "type a list": (shaped(type=["charge.refunded"]), "type is not"),
    "type empty": (shaped(type=""), "type is not"),
    "type of 101 characters": (shaped(type="x" * 101), "type is not"),
    "type with NUL": (shaped(type="charge.refunded\x00"), "type is not"),
    "type missing": (shaped(type=None), "type is not"),
    "data missing": (shaped(data=None), "data.object is not"),
    "data a list": (shaped(data=[TAX_ID]), "data.object is not"),
    "data.object missing": (shaped(data={}), "data.object is not"),
    "data.object a list": (shaped(data={"object": [TAX_ID]}), "data.object is not"),
    "data.object a string": (shaped(data={"object": "txi_1"}), "data.object is not"),
    "data.object null": (shaped(data={"object": None}), "data.object is not"),
    "body a list": ([shaped()], "the event is not a JSON object"),
    "body a string": ("evt_1", "the event is not a JSON object"),
    "body a number": (42, "the event is not a JSON object"),
    "body null": (None, "the event is not a JSON object"),
}


@pytest.mark.parametrize(("body", "reason"), ODD_EVENTS.values(), ids=ODD_EVENTS.keys())
def test_a_signed_event_of_an_odd_shape_is_refused_logged_and_not_stored(client, caplog, body, reason):
    response = signed_post(client, json.dumps(body))
    assert response.status_code == 400
    assert response.json["error"].startswith("not a Stripe event: ") and reason in response.json["error"]
    assert stored() == 0
    assert [message for message in warnings(caplog)
            if message.startswith("Refused a signed Stripe event") and reason in message]


def test_the_warning_names_a_printable_id_and_stands_in_for_one_that_is_not(client, caplog):
    signed_post(client, json.dumps(shaped(id="evt_printable", created="yesterday")))
    signed_post(client, json.dumps(shaped(id="evt_1\nforged log line")))
    refused = warnings(caplog)
    assert refused[0].startswith("Refused a signed Stripe event evt_printable: created")
    assert refused[1].startswith("Refused a signed Stripe event (no printable id): id") and "forged" not in refused[1]


def test_a_float_created_is_refused_because_stripe_sends_whole_seconds(client, caplog):
    response = signed_post(client, json.dumps(shaped(created=1700000000.0)))
    assert response.status_code == 400 and "created" in response.json["error"]
    assert stored() == 0


def test_a_signed_body_nested_too_deep_to_parse_is_refused_not_a_server_error(client, caplog):
    response = signed_post(client, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400 and response.json["error"] == "not a JSON event"
    assert stored() == 0 and "Refused a signed Stripe webhook whose body is not JSON" in warnings(caplog)


def test_a_well_formed_event_is_still_stored_and_queued(client):
    payload = shaped()
    response = signed_post(client, payload, worker=False)
    assert response.status_code == 200 and response.json == {"received": True, "outcome": "queued"}
    assert stored() == 1


def test_the_longest_id_and_type_the_columns_hold_are_stored(client):
    payload = shaped(id="evt_" + "x" * 251, type="x" * 100)
    assert signed_post(client, payload).status_code == 200
    assert db.session.scalar(select(StripeEvent.outcome)) == EventOutcome.IGNORED


def test_reconciliation_skips_and_counts_odd_events_and_applies_the_rest(app_factory, fake_stripe, caplog):
    good = shaped()
    odd = [shaped(id="evt_word", created="soon"), shaped(id="evt_list", created=[1]),
           shaped(id="evt_none", created=None), shaped(id="evt_nan", created=float("nan"))]
    # Stripe's list of events, newest first, as GET /v1/events answers it.
    fake_stripe.responses["/v1/events"] = {"object": "list", "url": "/v1/events", "has_more": False,
                                           "data": [*odd, good]}
    application = app_factory(**stripe_config(fake_stripe.url))
    result = application.test_cli_runner().invoke(args=["reconcile-stripe", "--since", "2025-01-01"])
    assert result.exit_code == 0, result.output
    assert "REFUSED evt_word: created" in result.stderr and "REFUSED evt_nan: created" in result.stderr
    assert "1 ignored" in result.stdout and "4 refused (not a well-formed event)" in result.stdout
    with application.app_context():
        assert db.session.scalars(select(StripeEvent.stripe_event_id)).all() == [good["id"]]
    assert [message for message in warnings(caplog) if message.startswith("Reconciliation skipped Stripe event evt_list")]


def test_the_worker_settles_an_odd_event_stored_before_the_check_instead_of_retrying_it(app, caplog):
    # What the webhook stored before it checked envelopes: data without an object.
    db.session.add(StripeEvent(stripe_event_id="evt_old", type="charge.refunded", stripe_created=NOW,
                               outcome=EventOutcome.QUEUED, payload=json.dumps({"event": shaped(data={})})))
    db.session.commit()
    assert apply_queued() == {EventOutcome.IGNORED: 1}
    row = db.session.scalar(select(StripeEvent))
    assert (row.outcome, row.note, row.retry_at, row.attempts) == (
        EventOutcome.IGNORED, "refused: data.object is not a JSON object", None, 0)
    assert [message for message in warnings(caplog) if message.startswith("Ignored stored Stripe event 'evt_old'")]
