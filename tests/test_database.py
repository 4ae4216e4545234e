"""The database helpers every feature shares."""
import time

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import insert, select, text

from leap_members.core.database import commit_one
from leap_members.core.dataversions import DataVersion
from leap_members.extensions import db
from tests.conftest import DATABASE_URL
from tests.support.database import execute, query_rows


def test_a_statement_committed_on_its_own_is_kept_and_later_work_stays_in_a_transaction(app):
    rows = commit_one(insert(DataVersion).values(name="probe", version=1).returning(DataVersion.name))
    assert rows == [("probe",)]
    db.session.execute(insert(DataVersion).values(name="later", version=2))   # on the same pooled connection
    db.session.rollback()
    names = set(db.session.scalars(select(DataVersion.name)))
    assert "probe" in names and "later" not in names


def _probe_app(app_factory):
    """An app with page views that report whether their reads run inside a transaction block."""
    app = app_factory()

    def status():
        driver = db.session.connection().connection.driver_connection
        return str(int(driver.info.transaction_status)) if hasattr(driver, "info") else "sqlite"

    def reads():
        db.session.execute(select(DataVersion.name)).all()
        return status()

    def locks():
        db.session.execute(select(DataVersion.name).with_for_update()).all()
        return status()

    def writes_then_fails():
        db.session.execute(insert(DataVersion).values(name="first", version=1))
        db.session.execute(select(DataVersion.name)).all()
        db.session.execute(insert(DataVersion).values(name="second", version=2))
        raise RuntimeError("the view fails after writing")

    def stores_on_its_own():
        commit_one(insert(DataVersion).values(name="on its own", version=3))
        return status()

    def loses_its_connection():
        db.session.execute(select(DataVersion.name)).all()
        backend = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        execute(app.config["SQLALCHEMY_DATABASE_URI"], "SELECT pg_terminate_backend(:backend)", backend=backend)
        db.session.execute(select(DataVersion.name)).all()   # the server has gone: OperationalError

    def backend():
        return str(db.session.execute(text("SELECT pg_backend_pid()")).scalar())

    for view in (reads, locks, writes_then_fails, stores_on_its_own, loses_its_connection, backend):
        app.add_url_rule(f"/probe/{view.__name__}", view.__name__, view)
    return app


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="PostgreSQL's transaction blocks")
def test_a_page_view_reads_outside_a_transaction_block_until_it_locks_a_row(app_factory):
    app = _probe_app(app_factory)
    client = app.test_client()
    idle, in_transaction = str(int(TransactionStatus.IDLE)), str(int(TransactionStatus.INTRANS))
    assert client.get("/probe/reads").get_data(as_text=True) == idle
    assert client.get("/probe/locks").get_data(as_text=True) == in_transaction
    assert client.get("/probe/reads").get_data(as_text=True) == idle   # the pooled connection, reset


def test_a_page_view_that_writes_does_so_in_one_transaction(app_factory):
    app = _probe_app(app_factory)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get("/probe/writes_then_fails").status_code == 500
    with app.app_context():
        names = set(db.session.scalars(select(DataVersion.name)))
    assert not names & {"first", "second"}


def test_a_page_view_can_store_a_row_on_its_own(app_factory):
    app = _probe_app(app_factory)
    assert app.test_client().get("/probe/stores_on_its_own").status_code == 200
    with app.app_context():
        assert "on its own" in set(db.session.scalars(select(DataVersion.name)))


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
