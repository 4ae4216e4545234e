"""Absolute links for e-mails and Stripe, always on the configured public address.

A link built from the request would take its host (and site root) from the client: a reset
request sent with ``Host: evil.example`` would mail the victim a link that hands the token to
evil.example. These links come from PUBLIC_URL alone, inside a request or outside (CLI workers).
"""
from urllib.parse import urlsplit

from flask import current_app


def public_link(endpoint: str, **values) -> str:
    """The full address of ``endpoint`` (a full name such as ``members.reset_password``)."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def site_root(public_url: str) -> str:
    """The path the site is served under ("" at the root) in ``public_url``."""
    return urlsplit(public_url).path.rstrip("/")


class FixedSiteRoot:
    """WSGI middleware: the site root (SCRIPT_NAME) is PUBLIC_URL's path, whatever the client says.

    gunicorn takes SCRIPT_NAME from a request header sent from a trusted address; a page built
    under a root the client chose would link elsewhere. A path that still starts with the root
    (a proxy that passes it through) has it taken off, as a mounted app expects.
    """

    def __init__(self, wsgi_app, root: str):
        self.wsgi_app = wsgi_app
        self.root = root

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if self.root and (path == self.root or path.startswith(self.root + "/")):
            environ["PATH_INFO"] = path[len(self.root):]
        environ["SCRIPT_NAME"] = self.root
        return self.wsgi_app(environ, start_response)
