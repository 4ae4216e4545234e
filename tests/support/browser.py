"""The tests' HTTP client for servers in another process: harness/browser.py, shared with the bench."""
from harness.browser import USER_AGENT, Browser, Response

__all__ = ["USER_AGENT", "Browser", "Response"]
