"""The one place that decides whether a ``next`` URL may be followed."""
from urllib.parse import urlsplit

from flask import url_for


def safe_next_url(target: str | None, default_endpoint: str = "members.account") -> str:
    """Return ``target`` if it is a path on this site, else the default page."""
    if target and _is_local_path(target):
        return target
    return url_for(default_endpoint)


def _is_local_path(target: str) -> bool:
    if len(target) > 2000 or any(ch in target for ch in "\\\r\n\t\x00") or not target.startswith("/"):
        return False
    if target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
