"""Pages kept in a worker's memory: those the same for every visitor, and those built from data
that has not changed since."""
from collections import OrderedDict
from functools import wraps
from threading import Lock

from flask import current_app, session
from flask_login import current_user

_FLASHES = "_flashes"


def same_for_every_visitor(view):
    """Serve the view's page from memory to visitors who are not logged in and have no message
    waiting. Only for views without arguments whose page depends on nothing but the app's
    settings and templates (no database rows, no CSRF token, no query string)."""
    @wraps(view)
    def wrapper():
        if current_user.is_authenticated or _FLASHES in session:
            return view()
        pages = current_app.extensions.setdefault("visitor_pages", {})
        key = f"{view.__module__}.{view.__qualname__}"
        page = pages.get(key)
        if page is None:
            page = pages[key] = view()
        return page
    return wrapper


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


def kept_pages(name: str, size: int) -> KeptPages:
    """This worker's kept pages called ``name`` (made on first use, at most ``size`` of them)."""
    app = current_app._get_current_object()
    kept = app.extensions.get(name)
    if kept is None:
        kept = app.extensions[name] = KeptPages(size)
    return kept
