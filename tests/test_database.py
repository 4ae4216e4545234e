"""The database as every feature uses it: one transaction per request, and a pool that replaces
connections the server closed (pool_pre_ping)."""
import time

import pytest
from sqlalchemy import insert, select, text

from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage
from tests.conftest import DATABASE_URL
from tests.support.database import execute, query_rows


def _probe_message(kind: str) -> dict:
    return {"to_address": "probe@example.org", "subject": "probe", "body_text": "probe", "kind": kind,
            "message_id": f"<{kind}@probe>"}


def _probe_app(app_factory):
    """An app with page views that report whether their reads run inside a transaction block."""
    app = app_factory()

    def reads():
        db.session.execute(select(OutboxMessage.kind)).all()
        return "read"

    def writes_then_fails():
        db.session.execute(insert(OutboxMessage).values(**_probe_message("first")))
        db.session.execute(select(OutboxMessage.kind)).all()
        db.session.execute(insert(OutboxMessage).values(**_probe_message("second")))
        raise RuntimeError("the view fails after writing")

    def loses_its_connection():
        db.session.execute(select(OutboxMessage.kind)).all()
        backend = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        execute(app.config["SQLALCHEMY_DATABASE_URI"], "SELECT pg_terminate_backend(:backend)", backend=backend)
        db.session.execute(select(OutboxMessage.kind)).all()   # the server has gone: OperationalError

    def backend():
        return str(db.session.execute(text("SELECT pg_backend_pid()")).scalar())

    for view in (reads, writes_then_fails, loses_its_connection, backend):
        app.add_url_rule(f"/probe/{view.__name__}", view.__name__, view)
    return app


def test_a_page_view_that_writes_does_so_in_one_transaction(app_factory):
    app = _probe_app(app_factory)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get("/probe/writes_then_fails").status_code == 500
    with app.app_context():
        kinds = set(db.session.scalars(select(OutboxMessage.kind)))
    assert not kinds & {"first", "second"}


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="a server connection to lose")
def test_a_page_view_that_loses_its_connection_answers_a_500_page_and_the_next_one_works(app_factory):
    app = _probe_app(app_factory)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    response = client.get("/probe/loses_its_connection")
    assert response.status_code == 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"   # the app's own error page
    assert client.get("/probe/reads").status_code == 200


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="PostgreSQL's pooled connections")
def test_a_pooled_connection_in_good_order_is_used_again(app_factory):
    client = _probe_app(app_factory).test_client()
    assert client.get("/probe/backend").get_data() == client.get("/probe/backend").get_data()


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="a server connection to lose")
def test_a_connection_the_server_closed_while_it_sat_in_the_pool_costs_no_failed_page(app_factory):
    app = _probe_app(app_factory)
    client = app.test_client()
    backend = int(client.get("/probe/backend").get_data(as_text=True))
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    execute(url, "SELECT pg_terminate_backend(:backend)", backend=backend)   # as a restart or failover would
    for _ in range(100):   # until the server process has gone, and with it the pooled connection's socket
        if not query_rows(url, "SELECT 1 FROM pg_stat_activity WHERE pid = :backend", backend=backend):
            break
        time.sleep(0.02)
    else:
        pytest.fail(f"backend {backend} was still running 2 s after it was told to end")
    response = client.get("/probe/backend")
    assert response.status_code == 200 and int(response.get_data(as_text=True)) != backend


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="a server connection to lose")
def test_server_connections_send_tcp_keepalives(app):
    """So that a server that vanished without a word is noticed within about 90 s of quiet."""
    connection = db.engine.raw_connection()
    try:
        parameters = connection.driver_connection.info.get_parameters()
    finally:
        connection.close()
    assert (parameters["keepalives"], parameters["keepalives_idle"]) == ("1", "60")
