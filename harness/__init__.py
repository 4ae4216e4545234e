"""What the tests and the bench share: the app under gunicorn on a loopback port (servers.py, with its
ready hook gunicorn_ready.py) and a small cookie-keeping HTTP client (browser.py).

It imports nothing from tests/ or bench/, so either can use it without depending on the other.
"""
