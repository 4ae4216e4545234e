"""Fixtures: app, client, db, an SMTP sink, member factories and a login helper."""
import re

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event

from leap_members import create_app
from leap_members.extensions import db as _db
from leap_members.mail.sender import send_pending
from leap_members.public.services import seed_default_timeline
from tests.support.database import empty_tables, reset_schema, test_database_url
from tests.support.factories import PASSWORD, make_member
from tests.support.smtp import body_of, start_smtp_server

DATABASE_URL = test_database_url()


def build_config(**overrides) -> dict:
    config = {
        "APP_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SERVER_NAME": "localhost",
        "PREFERRED_URL_SCHEME": "http",
        "DEV_INBOX": False,
    }
    config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgres"):
        from leap_members.config import normalise_database_url
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    return config


class FreshRequestClient(FlaskClient):
    """A test client whose requests do not share ``g`` with the test's app context.

    Tests keep one app context pushed (so they can use db.session directly); without
    this, Flask-Login's per-request user cache would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def smtp_server():
    controller, inbox = start_smtp_server()
    yield controller, inbox
    controller.stop()


@pytest.fixture(scope="session")
def _schema(smtp_server):
    app = create_app(build_config())
    with app.app_context():
        reset_schema()
        _db.engine.dispose()
    return True


@pytest.fixture
def app_factory(_schema, smtp_server):
    """Build an app on the test database; extra settings as keyword arguments."""
    controller, _ = smtp_server
    made = []

    def factory(**overrides):
        config = build_config(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, **overrides)
        application = create_app(config)
        application.test_client_class = FreshRequestClient
        made.append(application)
        return application

    yield factory
    for application in made:
        with application.app_context():
            empty_tables()
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def app(app_factory):
    application = app_factory()
    with application.app_context():
        seed_default_timeline()
        _db.session.commit()
        yield application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def inbox(smtp_server):
    _, messages = smtp_server
    messages.clear()
    return messages


@pytest.fixture
def deliver(app, inbox):
    """Run the outbox worker once and return the SMTP inbox."""
    def run():
        send_pending()
        return inbox
    return run


@pytest.fixture
def member_factory(app):
    return make_member


@pytest.fixture
def member(member_factory):
    return member_factory()


@pytest.fixture
def staff(member_factory):
    return member_factory(role="staff", email="staff@example.org")


@pytest.fixture
def admin(member_factory):
    return member_factory(role="admin", email="admin@example.org")


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email, password=PASSWORD, follow=False, **extra):
        return self.client.post("/login", data={"email": email, "password": password, **extra},
                                follow_redirects=follow)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


LINK = re.compile(r"https?://\S+")


def link_in(message) -> str:
    """The first link in a message's plain-text body."""
    match = LINK.search(body_of(message))
    assert match, "no link in the message"
    return match.group(0)


@pytest.fixture
def mail_link():
    return link_in


class StatementCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ... -> counter.count SQL statements were sent."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = StatementCounter()
        event.listen(_db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(_db.engine, "before_cursor_execute", counter)
    return counting
