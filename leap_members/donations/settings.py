"""Donation settings: defaults filled into app.config, read from the environment.

config.py belongs to the foundation, so this package adds its own keys at start-up
(only where the app's configuration does not already set them).
"""
import os
from decimal import Decimal, InvalidOperation

from flask import Flask, current_app

from ..config import ConfigError


def _env_cents(name: str, default: str) -> int:
    raw = os.environ.get(name, default)
    try:
        return int((Decimal(raw) * 100).to_integral_value())
    except InvalidOperation as exc:
        raise ConfigError(f"{name} must be an amount in dollars, like 5 or 25000, not {raw!r}") from exc


def _env_presets(raw: str) -> tuple[int, ...]:
    try:
        return tuple(int(Decimal(part.strip()) * 100) for part in raw.split(",") if part.strip())
    except InvalidOperation as exc:
        raise ConfigError(f"DONATION_PRESET_AMOUNTS must list dollar amounts, like 25,50,100, not {raw!r}") from exc


def default_settings() -> dict:
    """Every key this package reads, with its value from the environment or a default."""
    return {
        # Stripe. Without the secret key the donate page says online giving is not configured.
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET") or None,
        # Only for tests and local fakes: where stripe-python sends its requests.
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE") or None,
        "STRIPE_MAX_NETWORK_RETRIES": int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "2")),
        "STRIPE_TIMEOUT_SECONDS": int(os.environ.get("STRIPE_TIMEOUT_SECONDS", "20")),
        # Seconds a signed webhook stays acceptable (Stripe's own default is five minutes).
        "STRIPE_WEBHOOK_TOLERANCE": int(os.environ.get("STRIPE_WEBHOOK_TOLERANCE", "300")),
        # Gifts, in US dollars in the environment and cents in the app.
        "DONATION_CURRENCY": "usd",
        "DONATION_MIN_CENTS": _env_cents("DONATION_MIN_AMOUNT", "5"),
        "DONATION_MAX_CENTS": _env_cents("DONATION_MAX_AMOUNT", "25000"),
        "DONATION_PRESET_CENTS": _env_presets(os.environ.get("DONATION_PRESET_AMOUNTS", "25,50,100,250")),
        # What covering the processing fee adds: a percentage plus a fixed amount per charge.
        "DONATION_FEE_PERCENT": Decimal(os.environ.get("DONATION_FEE_PERCENT", "2.2")),
        "DONATION_FEE_FIXED_CENTS": _env_cents("DONATION_FEE_FIXED", "0.30"),
        # The designation offered when staff have not configured any fund.
        "DONATION_GENERAL_FUND_LABEL": os.environ.get("DONATION_GENERAL_FUND_LABEL", "Where it is needed most"),
        # How long the link in a failed-payment e-mail keeps working.
        "DONATION_FIX_CARD_LINK_DAYS": int(os.environ.get("DONATION_FIX_CARD_LINK_DAYS", "30")),
    }


def init_settings(app: Flask) -> None:
    """Fill in the donation settings the app's configuration does not set."""
    for key, value in default_settings().items():
        app.config.setdefault(key, value)
    if app.config["DONATION_MIN_CENTS"] < 50:
        raise ConfigError("DONATION_MIN_AMOUNT must be at least 0.50 (Stripe's smallest charge in US dollars).")
    if app.config["DONATION_MAX_CENTS"] <= app.config["DONATION_MIN_CENTS"]:
        raise ConfigError("DONATION_MAX_AMOUNT must be larger than DONATION_MIN_AMOUNT.")


def stripe_configured() -> bool:
    """True when online giving can work: a secret key and a webhook secret are set."""
    cfg = current_app.config
    return bool(cfg.get("STRIPE_SECRET_KEY") and cfg.get("STRIPE_WEBHOOK_SECRET"))
