"""A local HTTP server standing in for api.stripe.com in tests.

It records every request stripe-python sends (method, path, headers, form fields), answers
Checkout Sessions and Billing Portal sessions itself (localstripe has neither), and forwards
everything else to localstripe when one is given. It also serves a stub "Checkout page"
so a browser redirected there lands somewhere we control.
"""
import itertools
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    form: dict


@dataclass
class FakeStripe:
    upstream: str | None = None
    requests: list[Recorded] = field(default_factory=list)
    # Set to (status, body) to make every API call fail the way Stripe would.
    failure: tuple[int, dict] | None = None
    # Canned answers by path, e.g. {"/v1/payment_intents/pi_1": {...}}.
    responses: dict = field(default_factory=dict)
    _sessions_by_key: dict = field(default_factory=dict)
    _replies_by_key: dict = field(default_factory=dict)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    url: str = ""

    def start(self) -> "FakeStripe":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

            def do_DELETE(self):
                fake._handle(self, "DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def calls(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path.split("?")[0] == path]

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if handler.path.startswith("/pay/") or handler.path.startswith("/portal/"):
            return self._send(handler, 200, f"<!doctype html><title>Stripe test stub</title>"
                                            f"<h1>Stripe Checkout stub</h1><p>{handler.path}</p>", "text/html")
        recorded = Recorded(method, handler.path, dict(handler.headers.items()),
                            dict(parse_qsl(body.decode(), keep_blank_values=True)))
        self.requests.append(recorded)
        if self.failure:
            status, payload = self.failure
            return self._send(handler, status, json.dumps(payload))
        path = handler.path.split("?")[0]
        if path in self.responses:
            return self._send(handler, 200, json.dumps(self.responses[path]))
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._send(handler, 200, json.dumps(self._checkout_session(recorded)))
        if method == "POST" and path == "/v1/billing_portal/sessions":
            number = next(self._counter)
            return self._send(handler, 200, json.dumps({"id": f"bps_test_{number}", "object": "billing_portal.session",
                                                        "customer": recorded.form.get("customer"),
                                                        "url": f"{self.url}/portal/bps_test_{number}"}))
        if self.upstream:
            return self._forward(handler, method, body)
        return self._send(handler, 404, json.dumps({"error": {"type": "invalid_request_error",
                                                               "message": f"No fake for {path}"}}))

    def _checkout_session(self, recorded: Recorded) -> dict:
        # Stripe answers a repeated idempotency key with the first response.
        key = recorded.headers.get("Idempotency-Key")
        if key in self._sessions_by_key:
            return self._sessions_by_key[key]
        number = next(self._counter)
        session = {"id": f"cs_test_{number}", "object": "checkout.session", "mode": recorded.form.get("mode"),
                   "url": f"{self.url}/pay/cs_test_{number}", "status": "open", "payment_status": "unpaid",
                   "metadata": {"donation_id": recorded.form.get("metadata[donation_id]")}}
        self._sessions_by_key[key] = session
        return session

    def _forward(self, handler, method: str, body: bytes) -> None:
        # localstripe ignores idempotency keys; Stripe replays the first answer to a repeated key.
        key = handler.headers.get("Idempotency-Key") if method == "POST" else None
        if key and key in self._replies_by_key:
            return self._send(handler, *self._replies_by_key[key])
        request = urllib.request.Request(self.upstream + handler.path, data=body or None, method=method,
                                         headers={name: value for name, value in handler.headers.items()
                                                  if name.lower() in ("authorization", "content-type")})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        if key and status < 500:
            self._replies_by_key[key] = (status, payload.decode())
        self._send(handler, status, payload.decode())

    @staticmethod
    def _send(handler, status: int, text: str, content_type: str = "application/json") -> None:
        data = text.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", "req_fake")
        handler.end_headers()
        handler.wfile.write(data)
