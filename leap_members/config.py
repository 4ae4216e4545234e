"""Settings read from environment variables.

APP_ENV selects the profile: ``production`` (the default), ``development`` or
``testing``. Outside development and testing a missing SECRET_KEY stops start-up.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """Raised when the environment cannot produce a safe configuration."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for any PostgreSQL URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


# Where the app runs when nobody said: bin/run-demo's address, and the test client's host.
LOCAL_PUBLIC_URLS = {"development": "http://127.0.0.1:5000", "testing": "http://localhost"}


def public_url(env: str) -> str:
    """PUBLIC_URL, else https://SERVER_NAME; required in production."""
    url = os.environ.get("PUBLIC_URL", "").strip()
    if not url and os.environ.get("SERVER_NAME"):
        url = f"{'https' if env == 'production' else 'http'}://{os.environ['SERVER_NAME'].strip()}"
    if not url:
        if env == "production":
            raise ConfigError(
                "PUBLIC_URL is not set. Set it to the site's public address, e.g. "
                "https://members.leap.example: links in e-mails are built on it, never on the "
                "request's Host header.")
        url = LOCAL_PUBLIC_URLS[env]
    return url


def checked_public_url(url: str) -> str:
    """``url`` without a trailing slash, if it is an http(s) address with a host and nothing more."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"PUBLIC_URL must look like https://members.leap.example (got {url!r}).")
    return url.strip().rstrip("/")


def trusted_hosts(url: str, env: str, extra: list[str]) -> list[str]:
    """Host names a request may name: the public one, ``extra`` (TRUSTED_HOSTS), and loopback
    names outside production (the development server and the tests' servers)."""
    hosts = [urlsplit(url).hostname or "", *extra]
    if env != "production":
        hosts += ["localhost", "127.0.0.1"]
    return list(dict.fromkeys(hosts))


def _dev_secret(instance_path: str) -> str:
    """A random key kept in instance/ so development sessions survive restarts."""
    path = Path(instance_path) / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the configuration from the environment, then apply ``overrides``."""
    overrides = overrides or {}
    env = (overrides.get("APP_ENV") or os.environ.get("APP_ENV", "production")).strip().lower()
    if env not in {"production", "development", "testing"}:
        raise ConfigError(f"APP_ENV must be production, development or testing, not {env!r}")
    is_prod = env == "production"

    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret:
        if is_prod:
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value "
                "(python -c 'import secrets; print(secrets.token_hex(32))') "
                "or set APP_ENV=development for a local run."
            )
        secret = _dev_secret(instance_path)

    default_db = "sqlite:///" + str(Path(instance_path) / "leap_members.db")
    database_url = normalise_database_url(os.environ.get("DATABASE_URL", default_db))
    config: dict[str, Any] = {
        "APP_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Sessions: cookie flags, absolute and idle lifetimes.
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", is_prod),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "leap_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        # The cookie is re-sent when the session changes (core/sessions.py stamps it once a minute),
        # not re-signed on every request.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "60"))),
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", is_prod),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https" if is_prod else "http",
        # The site's public address: every link in an e-mail or sent to Stripe is built on it
        # (core/links.py), never on the request's Host; a request for another host gets 400.
        "PUBLIC_URL": overrides.get("PUBLIC_URL") or public_url(env),
        "TRUSTED_HOSTS_EXTRA": _list(os.environ.get("TRUSTED_HOSTS", "")),
        # How many proxies in front of the app set X-Forwarded-For/-Proto (0: none, trust nothing).
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "HSTS_SECONDS": 63072000,
        # Password hashing: argon2id at or above OWASP's minimum (19 MiB, t=2, p=1).
        "ARGON2_MEMORY_KIB": int(os.environ.get("ARGON2_MEMORY_KIB", "19456")),
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", "2")),
        "ARGON2_PARALLELISM": int(os.environ.get("ARGON2_PARALLELISM", "1")),
        "PASSWORD_MIN_LENGTH": 12,
        # Tokens sent by e-mail.
        "CONFIRM_TOKEN_MAX_AGE": int(os.environ.get("CONFIRM_TOKEN_HOURS", "72")) * 3600,
        "RESET_TOKEN_MAX_AGE": int(os.environ.get("RESET_TOKEN_MINUTES", "60")) * 60,
        # Rate limits (Flask-Limiter). Redis makes them hold across workers.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Limits degrade, never deny: with Redis unreachable each worker counts in its own memory
        # (and goes back to Redis once it answers), and a storage error never fails a request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # A Redis that hangs (frozen, or a network that drops packets) must not hang the request:
        # a call that takes longer than this fails, and the limits fall back as above.
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "RATELIMIT_LOGIN": os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour"),
        # Failed logins per account, whatever the address (members/login_limits.py).
        "RATELIMIT_LOGIN_ACCOUNT": os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "10 per 15 minutes"),
        "RATELIMIT_SIGNUP": os.environ.get("RATELIMIT_SIGNUP", "10 per minute;50 per hour"),
        "RATELIMIT_RESET": os.environ.get("RATELIMIT_RESET", "5 per minute;20 per hour"),
        "RATELIMIT_DONATE": os.environ.get("RATELIMIT_DONATE", "10 per minute;60 per hour"),
        "RATELIMIT_ACTION_SIGNUP": os.environ.get("RATELIMIT_ACTION_SIGNUP", "30 per minute"),
        # Guests recorded at an event's door: each is e-mailed an invitation (advocacy/checkin.py).
        "RATELIMIT_EVENT_GUEST": os.environ.get("RATELIMIT_EVENT_GUEST", "30 per minute;200 per hour"),
        # Requests per API key (or per address without one), every method.
        "RATELIMIT_API": os.environ.get("RATELIMIT_API", "600 per minute"),
        # The API's records carry leap_members:<uuid>, and the same uuid under this system's name too
        # (e.g. "action_network") for tools that look only for their own prefix. Empty: only ours.
        "API_EXTRA_ID_SYSTEM": os.environ.get("API_EXTRA_ID_SYSTEM", "").strip(),
        # Outgoing webhooks (api/webhooks*.py), sent by `flask deliver-webhooks`: a receiver that does not
        # answer 2xx within the timeout is tried again after 1, 2, 4 ... minutes (at most six hours
        # apart), and given up after this many attempts (12: about 20 hours).
        "WEBHOOK_TIMEOUT_SECONDS": float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10")),
        "WEBHOOK_MAX_ATTEMPTS": int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "12")),
        # Off in production: webhook addresses must be https and reach only public addresses (no
        # loopback, private or link-local ones: the server cannot be made to call its own network).
        "WEBHOOKS_ALLOW_LOCAL": _bool("WEBHOOKS_ALLOW_LOCAL", not is_prod),
        # Mail: written to the outbox, sent by `flask send-mail`.
        "MAIL_FROM": os.environ.get("MAIL_FROM", "LEAP Members <members@leap.example>"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", False),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", "8")),
        # Bulk mail (outreach): at most this many a minute across all send workers.
        "MAIL_BULK_PER_MINUTE": int(os.environ.get("MAIL_BULK_PER_MINUTE", "3000")),
        # Envelope sender with a per-message suffix (VERP), e.g. bounces@leap.example: bounces name
        # their message. Unset: the From address, and bounces come only from the provider's webhook.
        "MAIL_RETURN_PATH": os.environ.get("MAIL_RETURN_PATH", ""),
        # Address offered in List-Unsubscribe as mailto (read by `flask process-bounces`); unset: none.
        "MAIL_UNSUBSCRIBE_ADDRESS": os.environ.get("MAIL_UNSUBSCRIBE_ADDRESS", ""),
        # Bounce and complaint webhooks (outreach/webhooks.py): each provider is refused until its
        # credentials are set. Postmark's go into the webhook's URL as https://user:password@...
        "EMAIL_WEBHOOK_SECRET": os.environ.get("EMAIL_WEBHOOK_SECRET", ""),
        "POSTMARK_WEBHOOK_USER": os.environ.get("POSTMARK_WEBHOOK_USER", ""),
        "POSTMARK_WEBHOOK_PASSWORD": os.environ.get("POSTMARK_WEBHOOK_PASSWORD", ""),
        "SES_SNS_TOPIC_ARNS": _list(os.environ.get("SES_SNS_TOPIC_ARNS", "")),
        # How SNS signing certificates are fetched: None downloads them over HTTPS; tests put a
        # function of the URL here that returns PEM bytes.
        "SNS_CERTIFICATE_FETCHER": None,
        # The mailbox `flask process-bounces --imap` reads returned mail from (SSL).
        "IMAP_HOST": os.environ.get("IMAP_HOST", ""),
        "IMAP_PORT": int(os.environ.get("IMAP_PORT", "993")),
        "IMAP_USERNAME": os.environ.get("IMAP_USERNAME", ""),
        "IMAP_PASSWORD": os.environ.get("IMAP_PASSWORD", ""),
        "IMAP_FOLDER": os.environ.get("IMAP_FOLDER", "INBOX"),
        # The workers' leases (core/leases.py): renewed every third of this while an item is worked
        # on, so a worker that dies holds up its item for about this long.
        "WORKER_LEASE_SECONDS": float(os.environ.get("WORKER_LEASE_SECONDS", "60")),
        "DEV_INBOX": env == "development",
        # The organisation.
        "ORG_NAME": os.environ.get("ORG_NAME", "Law Enforcement Action Partnership"),
        "ORG_LEGAL_NAME": os.environ.get("ORG_LEGAL_NAME", "Law Enforcement Action Partnership, Inc."),
        "ORG_EIN": os.environ.get("ORG_EIN", "00-0000000"),
        "ORG_ADDRESS": os.environ.get("ORG_ADDRESS", ""),
        # Dates such as "today" for agreements and events are the organisation's local dates.
        "ORG_TIMEZONE": os.environ.get("ORG_TIMEZONE", "America/New_York"),
        # Extra origins allowed as form targets (Stripe Checkout redirects after a POST).
        "CSP_FORM_ACTION_EXTRA": os.environ.get("CSP_FORM_ACTION_EXTRA", "https://checkout.stripe.com https://billing.stripe.com"),
    }
    config.update(overrides)
    config["PUBLIC_URL"] = checked_public_url(config["PUBLIC_URL"])
    config["TRUSTED_HOSTS"] = trusted_hosts(config["PUBLIC_URL"], env, config["TRUSTED_HOSTS_EXTRA"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and "SQLALCHEMY_ENGINE_OPTIONS" not in overrides:
        # The pool checks a connection before handing it out (a server restart, an idle timeout)
        # and replaces it; TCP keepalives find a server that vanished without closing the
        # connection (a dropped NAT or load-balancer flow) within ~90 s of quiet. A SQLite file
        # cannot go away under an open connection.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, "connect_args": {
            "keepalives": 1, "keepalives_idle": 60, "keepalives_interval": 10, "keepalives_count": 3}}
    return config
