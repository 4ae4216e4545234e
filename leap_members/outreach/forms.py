"""Forms of the e-mail choices and the unsubscribe page."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField, widgets


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class EmailChoicesForm(FlaskForm):
    email_updates = BooleanField("Send me e-mail from LEAP (news, action alerts and the topics below)")
    topics = CheckboxesField("Topics", coerce=int, validate_choice=True)


class UnsubscribeForm(FlaskForm):
    scope = RadioField("What to stop", choices={"topic": "Only this kind of e-mail",
                                                "all": "All e-mail from LEAP except receipts and account messages"},
                       default="topic")
