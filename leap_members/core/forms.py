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


class HoneypotForm(FlaskForm):
    """A form with a field people never see and bots fill in."""

    website = StringField("Leave this field empty", filters=[clean_line],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})

    def validate_website(self, field):
        if field.data:
            raise ValidationError("This form could not be accepted.")
