"""Dollar amounts typed by donors, and the fee a donor may choose to cover."""
import math
import re
from decimal import Decimal, InvalidOperation

from flask import current_app

_AMOUNT = re.compile(r"^\$?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$")


class AmountError(ValueError):
    """The text is not an acceptable gift amount; the message says why, for the donor."""


def dollars(cents: int) -> str:
    """$1,234.50 style, for messages."""
    return f"${cents / 100:,.2f}"


def parse_dollars(text: str | None) -> int:
    """Cents from what a donor typed: "25", "25.50", "$1,000". Raises AmountError."""
    raw = (text or "").strip()
    if not raw:
        raise AmountError("Enter the amount you would like to give.")
    match = _AMOUNT.match(raw)
    if not match:
        raise AmountError("Enter the amount in dollars using digits only, like 40 or 40.50.")
    decimals = match.group(3) or ""
    if len(decimals) > 3:
        raise AmountError("Use at most two digits after the decimal point (whole cents).")
    try:
        value = Decimal(raw.lstrip("$").strip().replace(",", ""))
    except InvalidOperation as exc:
        raise AmountError("Enter the amount in dollars using digits only, like 40 or 40.50.") from exc
    return int(value * 100)


def check_range(cents: int) -> None:
    """Raise AmountError if the gift is below the minimum or above the maximum."""
    cfg = current_app.config
    if cents < cfg["DONATION_MIN_CENTS"]:
        raise AmountError(f"The smallest gift we can accept online is {dollars(cfg['DONATION_MIN_CENTS'])}.")
    if cents > cfg["DONATION_MAX_CENTS"]:
        raise AmountError(f"Online gifts can be at most {dollars(cfg['DONATION_MAX_CENTS'])}. "
                          "For a larger gift, please contact us and we will help.")


def fee_to_cover(cents: int) -> int:
    """What to add so that, after the processor's percentage and fixed fee, we receive ``cents``."""
    cfg = current_app.config
    rate = Decimal(cfg["DONATION_FEE_PERCENT"]) / 100
    fixed = int(cfg["DONATION_FEE_FIXED_CENTS"])
    if rate <= 0 and fixed <= 0:
        return 0
    total = math.ceil((Decimal(cents) + fixed) / (1 - rate))
    return int(total) - cents
