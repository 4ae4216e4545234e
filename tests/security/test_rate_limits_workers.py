"""Rate limits hold across two gunicorn workers that share Redis, whichever worker answers."""
from urllib.parse import urlencode

import pytest
import redis

from tests.conftest import DATABASE_URL
from tests.support.browser import Browser
from tests.support.database import fresh_database
from tests.support.servers import gunicorn_app

REDIS_URL = "redis://127.0.0.1:6379/14"
LIMIT = 5


@pytest.fixture(scope="module")
def running_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("limits")
    limits = {key: f"{LIMIT} per minute" for key in ("RATELIMIT_LOGIN", "RATELIMIT_RESET", "RATELIMIT_SIGNUP")}
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        with gunicorn_app(url, str(tmp_path), REDIS_URL=REDIS_URL, **limits) as running:
            yield running


@pytest.fixture
def server(running_server):
    """The shared server, with every limit counter at zero."""
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    yield running_server
    store.flushdb()
    store.close()


@pytest.mark.parametrize("path, form", [
    ("/login", {"email": "someone@example.org", "password": "not the password"}),
    ("/reset", {"email": "someone@example.org"}),
    ("/join", {"email": "not-an-address"}),
])
def test_attempts_beyond_the_limit_get_429_from_any_worker(server, path, form):
    statuses = []
    for _ in range(LIMIT + 5):
        browser = Browser(server.url)  # a new connection each time, so both workers answer
        token = browser.csrf_token("/login")
        statuses.append(browser.post(path, dict(form, csrf_token=token)))
    assert 429 not in statuses[:LIMIT], statuses
    assert statuses[LIMIT:] == [429] * 5, statuses
    assert redis.Redis.from_url(REDIS_URL).keys("*"), "the limits were not kept in Redis"


@pytest.fixture(scope="module")
def spread_server(tmp_path_factory):
    """Behind one proxy, so each request may come from an address of its own (X-Forwarded-For)."""
    tmp_path = tmp_path_factory.mktemp("account-limit")
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        with gunicorn_app(url, str(tmp_path), REDIS_URL=REDIS_URL, TRUSTED_PROXIES=1,
                          RATELIMIT_LOGIN_ACCOUNT=f"{LIMIT} per 15 minutes") as running:
            yield running


def test_guesses_at_one_account_from_many_addresses_are_paused_by_any_worker(spread_server):
    redis.Redis.from_url(REDIS_URL).flushdb()
    statuses, pages = [], []
    for attempt in range(LIMIT + 3):
        browser = Browser(spread_server.url)   # a new connection and a new address each time
        token = browser.csrf_token("/login")
        body = urlencode({"csrf_token": token, "email": "target@example.org", "password": f"guess {attempt}"})
        response = browser.request("POST", "/login", body.encode(), {
            "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": f"198.51.100.{attempt + 1}"})
        statuses.append(response.status)
        pages.append(response.text)
    assert 429 not in statuses[:LIMIT], statuses
    assert statuses[LIMIT:] == [429] * 3, statuses
    assert "Try again in 15 minutes" in pages[-1]
