"""Form plumbing shared by every feature: text cleaning and the honeypot."""
import re

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")


def clean_line(value):
    """Strip a one-line text value; refuse control characters such as NUL."""
    if value is None:
        return value
    if _CONTROL_SINGLE_LINE.search(value):
        raise ValueError("Remove the invisible control characters from this field.")
    return value.strip()


def clean_text(value):
    """Like clean_line, but keeps line breaks and tabs (for letters and comments)."""
    if value is None:
        return value
    if _CONTROL.search(value):
        raise ValueError("Remove the invisible control characters from this field.")
    return value.replace("\r\n", "\n").strip()


class WholeNumber:
    """A whole number from ``low`` to ``high`` in ASCII digits, else ``message``: what NumberRange
    checks, without turning the number into a float first (a 400-digit number would crash it)."""

    def __init__(self, low: int, high: int, message: str):
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field):
        raw = str((field.raw_data or [""])[0])
        if field.data is None or not raw.isascii() or not self.low <= field.data <= self.high:
            raise ValidationError(self.message)


class HoneypotForm(FlaskForm):
    """A form with a field people never see and bots fill in."""

    website = StringField("Leave this field empty", filters=[clean_line],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})

    def validate_website(self, field):
        if field.data:
            raise ValidationError("This form could not be accepted.")
