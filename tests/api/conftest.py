import pytest

from tests.support.api import ApiClient, make_key
from tests.support.receiver import start_receiver


@pytest.fixture
def api(app, client):
    """An API client with a read and write key."""
    return ApiClient(client, make_key("write"))


@pytest.fixture
def read_api(app, client):
    return ApiClient(client, make_key("read", name="Read-only report"))


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1 (tests/support/receiver.py)."""
    started = start_receiver()
    yield started
    started.server.shutdown()
    started.server.server_close()
