"""A cookie-keeping HTTP client for servers running in another process.

It keeps cookies like a browser, never follows redirects (tests look at the 302 itself),
and opens a new connection per request, so requests spread over all gunicorn workers.
"""
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

# Flask-Login ties a session to the client's address and User-Agent: a load generator that
# replays this browser's cookie sends the same User-Agent (see headers()).
USER_AGENT = "leap-test-browser/1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status: int, body: bytes, headers):
        self.status, self.body, self.headers = status, body, headers

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self):
        return json.loads(self.body)


class Browser:
    def __init__(self, base_url: str, timeout: float = 60):
        self.base_url, self.timeout = base_url, timeout
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        headers = {"User-Agent": USER_AGENT, **(headers or {})}
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Response(response.status, response.read(), response.headers)
        except urllib.error.HTTPError as error:
            with error:
                return Response(error.code, error.read(), error.headers)

    def get(self, path: str) -> str:
        """The page's HTML (whatever its status)."""
        return self.request("GET", path).text

    def post(self, path: str, data: dict) -> int:
        """POST a form; return the status code."""
        return self.post_form(path, data).status

    def post_form(self, path: str, data: dict) -> Response:
        return self.request("POST", path, urllib.parse.urlencode(data).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def post_json(self, path: str, body: bytes, headers: dict | None = None) -> Response:
        return self.request("POST", path, body, {"Content-Type": "application/json", **(headers or {})})

    def csrf_token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def headers(self) -> dict:
        """What another client (e.g. wrk) sends to be this logged-in browser."""
        return {"Cookie": self.cookie_header(), "User-Agent": USER_AGENT}

    def login(self, email: str, password: str) -> None:
        token = self.csrf_token("/login")
        status = self.post("/login", {"csrf_token": token, "email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"login as {email} failed with {status}")
