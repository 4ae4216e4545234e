"""The app for the security suite: Stripe configured against a local recording fake."""
import pytest

from leap_members.extensions import db as _db
from leap_members.public.services import seed_default_timeline
from tests.donations.events import SECRET_KEY, WEBHOOK_SECRET
from tests.donations.fake_stripe import FakeStripe


def stripe_settings(api_base: str) -> dict:
    return {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": api_base,
            "STRIPE_MAX_NETWORK_RETRIES": 0, "STRIPE_TIMEOUT_SECONDS": 10}


@pytest.fixture(scope="session")
def _fake_stripe_server():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_stripe(_fake_stripe_server):
    """Records the Stripe API calls the app makes and answers Checkout and Billing Portal (emptied per test)."""
    fake = _fake_stripe_server
    fake.requests.clear()
    fake.failure = None
    fake.responses.clear()
    return fake


@pytest.fixture
def app(app_factory, fake_stripe):
    """Like the suite's app, with online giving switched on, so the giving routes are really exercised."""
    application = app_factory(**stripe_settings(fake_stripe.url))
    with application.app_context():
        seed_default_timeline()
        _db.session.commit()
        yield application
