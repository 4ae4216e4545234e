"""Redis down, frozen, then back, under two gunicorn workers: logins and signups keep working
(the limits count in each worker's memory meanwhile), /readyz says so, and once Redis answers
the limits are shared in it again."""
import time

import pytest

from tests.conftest import DATABASE_URL
from tests.reliability.test_concurrent_signups import signup_form
from tests.support.browser import Browser
from tests.support.database import app_on, fresh_database
from tests.support.factories import PASSWORD, make_member
from tests.support.servers import gunicorn_app

MEMBER = "steady@example.org"


@pytest.fixture
def site(tmp_path, private_redis):
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        # Limits high enough that only a failure, never the limit itself, could refuse these requests.
        with gunicorn_app(url, str(tmp_path), REDIS_URL=private_redis.url, RATELIMIT_LOGIN="200 per minute",
                          RATELIMIT_SIGNUP="200 per minute") as running:
            with app_on(url):
                make_member(email=MEMBER)
            yield running


def log_in_and_join(site, label: str, count: int) -> list[int]:
    """``count`` logins and ``count`` signups, each on a new connection (either worker answers)."""
    statuses = []
    for n in range(count):
        browser = Browser(site.url)
        statuses.append(browser.post("/login", {"csrf_token": browser.csrf_token("/login"), "email": MEMBER,
                                                "password": PASSWORD}))
        joiner = Browser(site.url)
        statuses.append(joiner.post("/join", signup_form(joiner.csrf_token("/join"), f"{label}{n}@example.org")))
    return statuses


def rate_limit_storage(site) -> str:
    return Browser(site.url).request("GET", "/readyz").json()["rate_limits"]["storage"]


def test_logins_and_signups_work_while_redis_is_down_and_frozen_and_limits_return_to_redis(site, private_redis):
    assert log_in_and_join(site, "before", 2) == [302] * 4
    assert private_redis.keys(), "the limits were not kept in Redis"
    assert rate_limit_storage(site) == "shared"

    private_redis.stop()
    assert log_in_and_join(site, "down", 6) == [302] * 12
    assert rate_limit_storage(site) == "unreachable"

    private_redis.start()   # empty: Redis kept nothing on disk
    private_redis.freeze()  # the port is open, nothing answers: each call waits out its 0.5 s timeout
    started = time.monotonic()
    assert log_in_and_join(site, "frozen", 2) == [302] * 4
    assert time.monotonic() - started < 20
    private_redis.thaw()

    # Flask-Limiter looks for its storage again after a growing number of requests.
    deadline = time.monotonic() + 60
    while not private_redis.keys() and time.monotonic() < deadline:
        assert log_in_and_join(site, f"back{int(time.monotonic() * 1000)}-", 1) == [302, 302]
    assert private_redis.keys(), "the limits never went back to Redis"
    assert rate_limit_storage(site) == "shared"
    log = site.log()
    assert "Unhandled error" not in log and "Traceback" not in log, log[-3000:]
    assert log.count("falling back to in-memory storage") <= 4   # told once per outage by each worker
