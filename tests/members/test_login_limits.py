"""Failed logins are limited per account too: a guess spread over many addresses is slowed."""
import pytest

from tests.support.factories import PASSWORD
from tests.support.smtp import body_of

LIMIT = 5
# By its address, not through the member row: reading an expired row in the test would open a
# writing transaction on SQLite and hold the lock the requests need.
TARGET = "target@example.org"


@pytest.fixture
def limited_app(app_factory):
    """Rate limits on (in memory), five failed logins per account, generous per-address limits."""
    application = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="1000 per minute",
                              RATELIMIT_RESET="1000 per minute", RATELIMIT_LOGIN_ACCOUNT=f"{LIMIT} per 15 minutes")
    with application.app_context():
        yield application


def attempt(app, email, password, address, client=None):
    client = client or app.test_client()
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_failures_from_many_addresses_pause_the_account_and_say_when(limited_app, member_factory):
    member_factory(email=TARGET)
    statuses = [attempt(limited_app, TARGET, "wrong guess", f"10.0.0.{n}").status_code
                for n in range(LIMIT)]
    assert statuses == [200] * LIMIT
    paused = attempt(limited_app, TARGET, PASSWORD, "10.0.1.1")
    assert paused.status_code == 429
    page = paused.get_data(as_text=True)
    assert "too many failed attempts" in page and "Try again in 15 minutes" in page


def test_the_owner_is_told_once_when_the_account_is_paused(limited_app, member_factory, deliver):
    member_factory(email=TARGET)
    for n in range(LIMIT + 3):
        attempt(limited_app, TARGET, "wrong guess", f"10.0.0.{n}")
    [notice] = deliver().to(TARGET)
    assert "paused" in notice["Subject"]
    assert "http://localhost/reset" in body_of(notice)


def test_a_browser_that_logged_in_before_is_not_held_back(limited_app, member_factory):
    member_factory(email=TARGET)
    own_browser = limited_app.test_client()
    assert attempt(limited_app, TARGET, PASSWORD, "192.0.2.7", own_browser).status_code == 302
    own_browser.post("/logout")
    for n in range(LIMIT + 2):
        attempt(limited_app, TARGET, "wrong guess", f"10.0.0.{n}")
    assert attempt(limited_app, TARGET, PASSWORD, "10.0.9.9").status_code == 429
    assert attempt(limited_app, TARGET, PASSWORD, "192.0.2.7", own_browser).status_code == 302


def test_other_accounts_are_not_affected(limited_app, member_factory):
    member_factory(email=TARGET)
    member_factory(email="other@example.org")
    for n in range(LIMIT):
        attempt(limited_app, TARGET, "wrong guess", f"10.0.0.{n}")
    assert attempt(limited_app, "other@example.org", PASSWORD, "10.0.0.1").status_code == 302


def test_an_unknown_address_is_paused_the_same_way(limited_app):
    """So a pause tells nobody whether the address has an account."""
    for n in range(LIMIT):
        attempt(limited_app, "nobody@example.org", "wrong guess", f"10.0.0.{n}")
    assert attempt(limited_app, "nobody@example.org", "anything", "10.0.1.1").status_code == 429


def test_a_password_reset_lifts_the_pause(limited_app, member_factory, deliver, mail_link):
    member_factory(email=TARGET)
    for n in range(LIMIT):
        attempt(limited_app, TARGET, "wrong guess", f"10.0.0.{n}")
    client = limited_app.test_client()
    client.post("/reset", data={"email": TARGET})
    link = mail_link([m for m in deliver().to(TARGET) if "Reset" in m["Subject"]][-1])
    new_password = "a brand new passphrase 2026"
    reset = client.post(link.replace("http://localhost", ""), data={"password": new_password,
                                                                    "confirm_password": new_password})
    assert reset.status_code == 302
    assert attempt(limited_app, TARGET, new_password, "10.0.1.1").status_code == 302
