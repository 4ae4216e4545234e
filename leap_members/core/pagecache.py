"""Pages kept in a worker's memory, built from data that has not changed since."""
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import TypeVar

from flask import current_app, render_template, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from . import dataversions

T = TypeVar("T")

_FLASHES = "_flashes"
# Where a page shared between members holds the session's CSRF token: random per process, so no
# text a member or staff can write matches it.
_CSRF_TOKEN_STAND_IN = f"csrf-token-{secrets.token_hex(16)}"
_SIGNED_TOKENS_KEPT = 4096   # sessions per worker whose signed token is kept; then all are signed afresh


@dataclass(frozen=True)
class AnyMember:
    """The member a shared page is rendered for: all it may show of them is whether they are staff."""
    is_staff: bool
    is_authenticated: bool = True


def message_waiting() -> bool:
    """A flashed message waits to be shown: this page view is not the same as the next."""
    return _FLASHES in session


def render_for_every_member(template: str, *, staff: bool, **context) -> str:
    """``template`` rendered for a page that is the same for every member (or every staff
    member) who may see it: ``current_user`` is an ``AnyMember``, and a stand-in holds the place
    of the session's CSRF token. Serve it with ``with_session_token``. A page that made this
    session's own token some other way (a form's hidden field, a macro that reaches the global
    ``csrf_token``) is refused rather than shared."""
    page = render_template(template, current_user=AnyMember(is_staff=staff),
                           csrf_token=lambda: _CSRF_TOKEN_STAND_IN, **context)
    if _holds_the_session_token(page):
        raise RuntimeError(f"{template} holds this session's CSRF token: it cannot be shared between members")
    return page


def _holds_the_session_token(page: str) -> bool:
    """Whether ``page`` carries a CSRF token of this session: every token Flask-WTF signs for it,
    whatever its time stamp, starts with the same payload (the session's raw token)."""
    payload, _, _ = generate_csrf().partition(".")
    return payload in page


def with_session_token(page: str) -> str:
    """A page from ``render_for_every_member``, with this session's CSRF token in its forms."""
    return page.replace(_CSRF_TOKEN_STAND_IN, escape(_recently_signed_token()))


def _recently_signed_token() -> str:
    """``generate_csrf()``, signed at most once a minute (a sixtieth of the token's lifetime) per
    session and worker: Flask-WTF builds a serializer and signs for every request, which cost as
    much CPU as the rest of serving a kept page. A token signed a minute ago is as good as a new
    one to the session it was signed for, but for that minute of its lifetime."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    lifetime = config.get("WTF_CSRF_TIME_LIMIT", 3600)
    signed = current_app.extensions.setdefault("leap_csrf_tokens_signed", {})   # raw -> (token, when)
    now = time.monotonic()
    token, when = signed.get(session.get(field), (None, 0.0))
    if token is not None and now - when < (60 if lifetime is None else lifetime / 60):
        return token
    token = generate_csrf()   # makes the session's raw token if it had none
    if len(signed) >= _SIGNED_TOKENS_KEPT:
        signed.clear()
    signed[session[field]] = (token, now)
    return token


class KeptPages:
    """Pages built from one data version (core/dataversions.py), the most recently used first, at
    most ``size`` of them, in this worker's memory. A new version drops every page of the old one."""

    def __init__(self, size: int):
        self.size = size
        self._version = None
        self._pages: OrderedDict = OrderedDict()
        self._lock = Lock()

    def get(self, version, key):
        with self._lock:
            if version is None or version != self._version:
                return None
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def keep(self, version, key, page) -> None:
        if version is None or self.size <= 0:
            return
        with self._lock:
            if version != self._version:
                self._version = version
                self._pages.clear()
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


def kept_page(name: str, size: int, version_name: str, key: tuple, build: Callable[[], T], *,
              still_good: Callable[[T], bool] | None = None) -> T:
    """The page ``build()`` makes for ``key``, served from this worker's memory (at most ``size``
    pages called ``name``) while data version ``version_name`` (core/dataversions.py) is unchanged
    and ``still_good(page)`` holds. The version is read before ``build`` reads any row, so a kept
    page is never older than it. Kept per site root too: a page's links start with it."""
    version = dataversions.current(version_name)
    kept = _kept_pages(name, size)
    key = (request.script_root, *key)
    page = kept.get(version, key)
    if page is None or (still_good is not None and not still_good(page)):
        page = build()
        kept.keep(version, key, page)
    return page


def _kept_pages(name: str, size: int) -> KeptPages:
    """This worker's kept pages called ``name`` (made on first use, at most ``size`` of them)."""
    app = current_app._get_current_object()
    kept = app.extensions.get(name)
    if kept is None:
        kept = app.extensions[name] = KeptPages(size)
    return kept
