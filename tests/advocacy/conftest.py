"""Fixtures for the action centre: an action factory and logged-in clients."""
import pytest

from leap_members.advocacy.models import ActionSignup
from leap_members.extensions import db as _db
from tests.advocacy.factories import build_action


@pytest.fixture
def make_action(app):
    return build_action


@pytest.fixture
def signups(app):
    """The sign-up rows of an action, straight from the database."""
    def rows(action_id: int) -> list[ActionSignup]:
        _db.session.expire_all()
        return _db.session.query(ActionSignup).filter_by(action_id=action_id).order_by(ActionSignup.id).all()
    return rows


@pytest.fixture
def logged_in(app, auth):
    """Log ``member`` in on the shared test client and return the client."""
    def login(member):
        response = auth.login(member.email)
        assert response.status_code == 302, "login failed"
        return auth.client
    return login


@pytest.fixture
def new_client(app):
    """A separate browser (its own cookies) logged in as ``member``."""
    from tests.support.factories import PASSWORD

    def make(member):
        client = app.test_client()
        assert client.post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 302
        return client
    return make
