"""A cookie-keeping HTTP client for servers running in another process."""
from bench.http import Browser

__all__ = ["Browser"]
