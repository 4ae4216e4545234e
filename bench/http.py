"""Small HTTP helpers for setting up scenarios: a cookie jar client without redirects."""
import re
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


# Flask-Login ties a session to the client's address and User-Agent: the load generator
# sends the same User-Agent as the client that logged in, as a browser would.
USER_AGENT = "leap-bench/1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Keeps cookies like a browser, but does not follow redirects."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.opener.addheaders = [("User-Agent", USER_AGENT)]

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            error.close()
            return error.code

    def csrf_token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def headers(self) -> dict:
        """What wrk sends to be this logged-in browser."""
        return {"Cookie": self.cookie_header(), "User-Agent": USER_AGENT}

    def login(self, email: str, password: str) -> None:
        token = self.csrf_token("/login")
        status = self.post("/login", {"csrf_token": token, "email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"bench login as {email} failed with {status}")
