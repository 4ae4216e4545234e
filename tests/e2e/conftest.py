"""Browser tests: the real app served on loopback, driven by Playwright in Debian's Chromium.

A missing browser fails these tests; it never skips them.
"""
import os
import threading

import pytest
from werkzeug.serving import make_server

from leap_members.extensions import db as _db
from leap_members.public.services import seed_default_timeline

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def whole_responses(app):
    """The app, each response's body read whole before it is sent. Werkzeug's server leaves the
    body's file open when the browser drops the connection half-way (it navigated on before a
    script finished loading); that file's ResourceWarning would then fail whichever test is running."""
    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return serve


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, whole_responses(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        app.config["PUBLIC_URL"] = self.url   # e-mailed and Stripe links lead back here
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_app(app_factory):
    """The app as a browser meets it: CSRF on, no fixed server name."""
    application = app_factory(WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    with application.app_context():
        seed_default_timeline()
        _db.session.commit()
    return application


@pytest.fixture
def live_server(live_app):
    server = LiveServer(live_app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: install it (apt-get install -y chromium) "
                    "or set CHROMIUM_PATH. Browser tests never skip.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
