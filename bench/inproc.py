"""The real app inside the bench process: logins whose cookies the servers accept, and SQL counting."""
import re
from contextlib import contextmanager

from sqlalchemy import event

from harness.browser import USER_AGENT
from leap_members.extensions import db

from .data import bench_app


def logged_in_client(app, email: str, password: str):
    """A test client logged in as ``email``; its cookie also works on a server of the same database."""
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": USER_AGENT, "REMOTE_ADDR": "127.0.0.1"})
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"in-process login as {email} failed with {response.status_code}")
    return client


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def session_cookie(client) -> str:
    cookie = client.get_cookie("leap_session")
    return f"leap_session={cookie.value}"


@contextmanager
def counting_queries(app):
    """Count the SQL statements the app sends while the block runs."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def app_for(database_url: str):
    """The app as the bench servers serve it: plain HTTP on loopback (the test client follows
    PREFERRED_URL_SCHEME, and on https Flask-WTF would ask for a Referer). The test client
    names the host localhost, which production refuses unless it is trusted."""
    app = bench_app(database_url)
    app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False, PREFERRED_URL_SCHEME="http",
                      TRUSTED_HOSTS=[*app.config["TRUSTED_HOSTS"], "localhost"])
    return app
