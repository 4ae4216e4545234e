"""Donation fixtures: Stripe configured against local fakes, localstripe in its own process, gift makers."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from leap_members.donations.checkout import GiftChoice, start_gift
from leap_members.donations.models import Fund
from leap_members.extensions import db as _db
from leap_members.public.services import seed_default_timeline
from tests.support.smtp import free_port

from .events import SECRET_KEY, WEBHOOK_SECRET, next_id
from .fake_stripe import FakeStripe

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def stripe_config(api_base: str, **overrides) -> dict:
    config = {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
              "STRIPE_API_BASE": api_base, "STRIPE_MAX_NETWORK_RETRIES": 0, "STRIPE_TIMEOUT_SECONDS": 10}
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory):
    """localstripe as a separate process on 127.0.0.1 and a free port, data in this run's temp dir."""
    port = free_port()
    data_file = tmp_path_factory.mktemp("localstripe") / "store.pickle"
    process = subprocess.Popen([sys.executable, "-m", "tests.donations.localstripe_server", str(port), str(data_file)],
                               cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"localstripe did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)
    process.stderr.close()


@pytest.fixture
def localstripe(localstripe_url):
    """An empty localstripe for this test."""
    request = urllib.request.Request(localstripe_url + "/_config/data", method="DELETE")
    urllib.request.urlopen(request, timeout=10).close()
    return localstripe_url


@pytest.fixture
def fake_stripe():
    """Records Stripe requests; answers Checkout and Billing Portal; no upstream."""
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_proxy(localstripe):
    """Like fake_stripe, but forwards everything else to localstripe."""
    fake = FakeStripe(upstream=localstripe).start()
    yield fake
    fake.stop()


def _configured_app(app_factory, api_base: str, **overrides):
    application = app_factory(**stripe_config(api_base, **overrides))
    with application.app_context():
        seed_default_timeline()
        _db.session.commit()
    return application


@pytest.fixture
def stripe_api(fake_stripe):
    """Where the app's Stripe requests go; test modules using localstripe override this with stripe_proxy."""
    return fake_stripe


@pytest.fixture
def app(app_factory, stripe_api):
    """The app with Stripe configured against the recording fake (or localstripe behind it)."""
    application = _configured_app(app_factory, stripe_api.url)
    with application.app_context():
        yield application


@pytest.fixture
def fund(app):
    created = Fund(name="Speakers bureau", description="Sends members to speak", position=1)
    _db.session.add(created)
    _db.session.commit()
    return created


@pytest.fixture
def make_gift():
    """A pending gift as the donate form leaves it, with a Checkout Session id."""
    def make(kind="one_time", amount_cents=5000, member=None, email="donor@example.net", cover_fee=False,
             fund_id=None, tribute_type=None, tribute_name=None, tribute_notify_email=None, anonymous=False):
        choice = GiftChoice(amount_cents=amount_cents, kind=kind, cover_fee=cover_fee, fund_id=fund_id,
                            first_name="Dana", last_name="Donor", email=email, anonymous=anonymous,
                            tribute_type=tribute_type, tribute_name=tribute_name,
                            tribute_notify_email=tribute_notify_email)
        donation = start_gift(choice, member, next_id("key"))
        _db.session.flush()
        donation.stripe_checkout_session_id = next_id("cs")
        donation.checkout_url = "https://checkout.stripe.com/c/pay/" + donation.stripe_checkout_session_id
        _db.session.commit()
        return donation
    return make
