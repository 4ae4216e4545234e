"""Security headers on every response, error pages included."""
from flask import Flask, request


def content_security_policy(form_action_extra: str) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        f"form-action 'self' {form_action_extra}".strip(),
    ])


def register(app: Flask) -> None:
    security_headers = [
        ("Content-Security-Policy", content_security_policy(app.config["CSP_FORM_ACTION_EXTRA"])),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains"),
    ]

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}   # a view may set its own policy
        headers.extend((name, value) for name, value in security_headers if name.lower() not in present)
        if request.endpoint != "static":
            # Every dynamic page may carry a person's data or a CSRF token:
            # never let a shared or back-button cache keep it.
            headers["Cache-Control"] = "no-store"
        return response
