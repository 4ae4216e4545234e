"""How the API's routes are declared: one decorator, the same rules for every route."""
from collections.abc import Callable, Iterable

from flask import Blueprint


def api_route(bp: Blueprint, rule: str, methods: Iterable[str] = ("GET",), *, public: bool = False) -> Callable:
    """Add ``rule`` to the API. Trailing slashes are accepted and ignored on every method (a redirect
    would drop a POST's body); bodies are JSON; the key check runs unless ``public``."""
    def decorate(view):
        view.accepts_json = True                    # core/requests.py lets JSON bodies through
        view.access = "public" if public else "api key"   # the access matrix (tests/security/routes.py)
        view.public = public
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=list(methods), strict_slashes=False)
        return view
    return decorate
