import pytest

from tests.support.api import ApiClient, make_key


@pytest.fixture
def api(app, client):
    """An API client with a read and write key."""
    return ApiClient(client, make_key("write"))


@pytest.fixture
def read_api(app, client):
    return ApiClient(client, make_key("read", name="Read-only report"))
