"""Forms of the API pages of the staff console: keys and webhook endpoints."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..core.forms import clean_line
from ..outreach.forms import CheckboxesField
from .models import Scope, WebhookEvent
from .webhooks import EndpointRefused, check_url


class KeyForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Say which tool will use the key."), Length(max=120)],
                       filters=[clean_line], description="For example “Mobilize sync” or “Zapier: new donors”.")
    scope = RadioField("What the key may do", choices=Scope.LABELS, default=Scope.READ,
                       validators=[InputRequired("Choose what the key may do.")])
    subscribe_new_people = BooleanField("People this key adds get e-mail updates, unless the tool says otherwise")


class EndpointForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Say which tool receives the records."), Length(max=120)],
                       filters=[clean_line])
    url = StringField("Address", validators=[DataRequired("Give the address the records are sent to."),
                                             Length(max=2000)], filters=[clean_line],
                      description="The receiving tool gives it, e.g. https://hooks.example.org/leap.")
    events = CheckboxesField("Send", choices=WebhookEvent.LABELS,
                             validators=[DataRequired("Choose at least one kind of record to send.")])

    def validate_url(self, field):
        try:
            check_url(field.data or "")
        except EndpointRefused as exc:
            raise ValidationError(str(exc)) from None


class ConfirmForm(FlaskForm):
    """A button that changes something (revoke, pause, delete): only its CSRF token."""
