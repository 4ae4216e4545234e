"""Pages rendered once per worker for visitors, because they are the same for every visitor."""
from functools import wraps

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
