"""The check-in page's forms: a mark on one person, a member at the door, someone new at the door."""
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

from ..core.forms import WholeNumber, clean_line
from ..members.forms import PHONE_MESSAGE, PHONE_PATTERN, check_email
from .checkin import MARKS

MAX_FILTER = 100
MAX_ID = 2**31 - 1


class ListButtonForm(FlaskForm):
    """A button on the list; the list's filter comes back with it, so the page opens again as it was."""
    q = HiddenField(filters=[clean_line], validators=[Optional(), Length(max=MAX_FILTER)])


class MarkForm(ListButtonForm):
    mark = HiddenField(validators=[AnyOf(list(MARKS), message="Choose present, no-show or undo.")])


class WalkInForm(ListButtonForm):
    member_id = IntegerField(validators=[DataRequired(), WholeNumber(1, MAX_ID, "Choose a member from the list.")])


class GuestForm(ListButtonForm):
    first_name = StringField("First name", filters=[clean_line],
                             validators=[DataRequired("Enter their first name."), Length(max=80)],
                             render_kw={"autocomplete": "off"})
    last_name = StringField("Last name", filters=[clean_line],
                            validators=[DataRequired("Enter their last name."), Length(max=80)],
                            render_kw={"autocomplete": "off"})
    email = EmailField("E-mail address", filters=[clean_line],
                       validators=[DataRequired("Enter their e-mail address: we send them the invitation to join."),
                                   Length(max=254), check_email],
                       render_kw={"autocomplete": "off", "inputmode": "email"})
    phone = StringField("Phone (optional)", filters=[clean_line],
                        validators=[Optional(), Length(max=30),
                                    Regexp(PHONE_PATTERN, message=PHONE_MESSAGE)],
                        render_kw={"autocomplete": "off", "inputmode": "tel"})
    submit = SubmitField("Check in and invite to join")

    def guest_fields(self) -> dict:
        return {name: getattr(self, name).data for name in ("first_name", "last_name", "email", "phone")}
