"""The donate form, and the small forms of the staff pages."""
import secrets

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..core.forms import HoneypotForm, WholeNumber, clean_line
from ..members.forms import NameMixin, check_email
from .amounts import AmountError, check_range, parse_dollars
from .models import GiftStatus, Kind, Tribute

OTHER = "other"
GENERAL_FUND = ""


def new_form_nonce() -> str:
    return secrets.token_urlsafe(16)


class DonateForm(NameMixin, HoneypotForm):
    amount_choice = RadioField("Amount", validators=[DataRequired("Choose an amount, or choose Other.")],
                               invalid_choice_message="Choose one of the amounts shown, or choose Other.")
    custom_amount = StringField("Other amount (US dollars)", filters=[clean_line],
                                render_kw={"inputmode": "decimal", "autocomplete": "off"})
    frequency = RadioField("How often", choices={Kind.ONE_TIME: "Give once", Kind.MONTHLY: "Give every month"},
                           default=Kind.ONE_TIME, validators=[DataRequired("Choose once or monthly.")])
    cover_fee = BooleanField("Add the card processing fee so that LEAP receives my full gift")
    fund = SelectField("Designation", validate_choice=True)
    email = EmailField("E-mail address (for your receipt)", filters=[clean_line],
                       validators=[DataRequired("Enter your e-mail address for the receipt."), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    anonymous = BooleanField("Don't list my name publicly")
    tribute_type = SelectField("Dedicate this gift (optional)",
                               choices={"": "No dedication", Tribute.HONOUR: "In honour of someone",
                                        Tribute.MEMORY: "In memory of someone"})
    tribute_name = StringField("Their name", filters=[clean_line], validators=[Optional(), Length(max=120)])
    tribute_notify_email = EmailField("E-mail someone about this dedication (optional)", filters=[clean_line],
                                      validators=[Optional(), Length(max=254)],
                                      description="We tell them who gave in the name you entered, never the amount.")
    nonce = HiddenField()
    submit = SubmitField("Continue to secure payment")

    validate_email = check_email

    def __init__(self, *args, funds=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        presets = current_app.config["DONATION_PRESET_CENTS"]
        self.amount_choice.choices = {str(cents): f"${cents / 100:,.0f}" for cents in presets} | {OTHER: "Other"}
        self.fund.choices = {GENERAL_FUND: current_app.config["DONATION_GENERAL_FUND_LABEL"]} | {
            str(fund.id): fund.name for fund in funds}
        if not self.nonce.data:
            self.nonce.data = new_form_nonce()
        self.amount_cents: int | None = None

    def validate_custom_amount(self, field):
        if self.amount_choice.data != OTHER:
            return
        try:
            cents = parse_dollars(field.data)
            check_range(cents)
        except AmountError as exc:
            raise ValidationError(str(exc)) from exc
        self.amount_cents = cents

    def validate_amount_choice(self, field):
        # WTForms runs this even after refusing a value that is not among the choices ("abc"):
        # convert only a preset it accepted; the refusal is already shown next to the field.
        if field.data != OTHER and not field.errors:
            self.amount_cents = int(field.data)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.tribute_type.data and not self.tribute_name.data:
            self.tribute_name.errors = [*self.tribute_name.errors,
                                        "Enter the name of the person this gift honours or remembers."]
            ok = False
        return ok

    def validate_tribute_notify_email(self, field):
        if field.data:
            if not self.tribute_type.data:
                raise ValidationError("Choose a dedication first, or leave this empty.")
            check_email(self, field)

    @property
    def fund_id(self) -> int | None:
        return int(self.fund.data) if self.fund.data else None


class RefundForm(FlaskForm):
    amount = StringField("Amount to refund (leave empty to refund everything left)", filters=[clean_line])
    submit = SubmitField("Refund through Stripe")

    def refund_cents(self, refundable: int) -> int | None:
        """The cents to refund, None for all; adds a field error and returns -1 if unusable."""
        if not self.amount.data:
            return None
        try:
            cents = parse_dollars(self.amount.data)
        except AmountError as exc:
            self.amount.errors.append(str(exc))
            return -1
        if cents <= 0 or cents > refundable:
            self.amount.errors.append(f"Enter an amount between $0.01 and ${refundable / 100:,.2f}.")
            return -1
        return cents


class DonationFilterForm(FlaskForm):
    """Staff list filters, read from the query string."""
    class Meta:
        csrf = False

    date_from = DateField("Paid from", validators=[Optional()])
    date_to = DateField("Paid to", validators=[Optional()])
    kind = SelectField("Kind", choices={"": "All kinds"} | Kind.LABELS, validators=[Optional()])
    status = SelectField("Status", choices={"": "All statuses"} | GiftStatus.LABELS, validators=[Optional()])
    fund = SelectField("Fund", validators=[Optional()])

    def __init__(self, *args, funds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fund.choices = {"": "All funds", "general": current_app.config["DONATION_GENERAL_FUND_LABEL"]} | {
            str(fund.id): fund.name for fund in funds}

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")


class FundForm(FlaskForm):
    name = StringField("Name", filters=[clean_line], validators=[DataRequired("Enter the fund's name."), Length(max=120)])
    description = StringField("Short description (optional)", filters=[clean_line], validators=[Optional(), Length(max=300)])
    position = IntegerField("Order on the donate page", default=0,
                            validators=[Optional(), WholeNumber(0, 999, "Enter a number from 0 to 999.")])
    active = BooleanField("Offer this fund on the donate page", default=True)
    submit = SubmitField("Save fund")


class ButtonForm(FlaskForm):
    """A button and the CSRF token."""
    submit = SubmitField("Continue")
