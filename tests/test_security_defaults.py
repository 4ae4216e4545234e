"""Security defaults every page has: headers, CSRF, rate limits, request size."""
import pytest

from tests.members.test_signup import signup_data

PAGES = ["/", "/about", "/impact", "/join", "/login", "/reset", "/account", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_page(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["Cache-Control"] == "no-store"


def test_a_header_a_view_sets_itself_is_kept_and_not_doubled(app_factory):
    app = app_factory()
    app.add_url_rule("/framed", "framed", lambda: ("ok", {"X-Frame-Options": "SAMEORIGIN"}))
    headers = app.test_client().get("/framed").headers
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers.getlist("X-Content-Type-Options") == ["nosniff"]


def test_server_error_page_has_headers_and_rolls_back(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "nothing was saved" in response.get_data(as_text=True)
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]


def test_forms_without_a_csrf_token_are_refused(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/join", data=signup_data())
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    with app.app_context():
        from leap_members.extensions import db
        from leap_members.members.models import Member
        assert db.session.query(Member).count() == 0


def test_forms_carry_a_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    html = app.test_client().get("/join").get_data(as_text=True)
    assert 'name="csrf_token"' in html


@pytest.mark.parametrize("path, data, limit_key", [
    ("/login", {"email": "x@example.org", "password": "wrong password!"}, "RATELIMIT_LOGIN"),
    ("/reset", {"email": "x@example.org"}, "RATELIMIT_RESET"),
    ("/join", {"email": "bad"}, "RATELIMIT_SIGNUP"),
])
def test_repeated_attempts_are_rate_limited(app_factory, path, data, limit_key):
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **{limit_key: "3 per minute"})
    client = app.test_client()
    codes = [client.post(path, data=data).status_code for _ in range(5)]
    assert codes[:3] != [429] * 3 and 429 not in codes[:3]
    assert codes[3:] == [429, 429]
    assert "Too many attempts" in client.post(path, data=data).get_data(as_text=True)


def test_oversized_request_body_gets_413(client):
    response = client.post("/join", data={"first_name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_invalid_utf8_in_a_form_is_not_a_server_error(client):
    response = client.post("/login", data=b"email=%FF%FE&password=%C3%28", content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400)


def test_rate_limits_are_shared_through_redis_across_workers(app_factory):
    import redis

    storage = "redis://127.0.0.1:6379/15"
    redis.Redis.from_url(storage).flushdb()
    settings = dict(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, RATELIMIT_LOGIN="3 per minute")
    worker_a, worker_b = app_factory(**settings), app_factory(**settings)
    data = {"email": "x@example.org", "password": "wrong password!"}
    codes = [(worker_a if i % 2 else worker_b).test_client().post("/login", data=data).status_code
             for i in range(5)]
    counters = redis.Redis.from_url(storage).keys("*")
    redis.Redis.from_url(storage).flushdb()
    assert counters, "the limiter kept its counters somewhere other than Redis"
    assert codes[3:] == [429, 429] and 429 not in codes[:3]


def test_behind_a_trusted_proxy_limits_apply_per_real_client(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_LOGIN="2 per minute",
                      TRUSTED_PROXIES=1)
    client = app.test_client()
    data = {"email": "x@example.org", "password": "wrong password!"}

    def attempt(ip):
        return client.post("/login", data=data, headers={"X-Forwarded-For": ip}).status_code

    assert [attempt("203.0.113.5") for _ in range(3)] == [200, 200, 429]
    assert attempt("198.51.100.7") == 200


def test_nul_byte_in_a_url_parameter_is_a_400(client):
    response = client.get("/impact?year=20%0012")
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)
