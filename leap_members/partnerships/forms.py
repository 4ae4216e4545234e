"""Forms for partners, contacts, agreements, notice and the list filters."""
import secrets

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from ..core.forms import WholeNumber, clean_line, clean_text
from ..members.geography import STATE_CHOICES, ZIP_PATTERN
from . import lifecycle
from .models import PartnerKind
from .rules import DEFAULT_PARTY_A_RESPONSIBILITIES, DEFAULT_PARTY_B_RESPONSIBILITIES, DEFAULT_PURPOSE, AgreementTerms

LEAP_CHOICE = "leap"
PHONE = Regexp(r"^[0-9+().\- ]{7,30}$", message="Use digits, spaces and + ( ) - only.")


def lower_email(value):
    value = clean_line(value)
    return value.lower() if value else value


class ProblemsMixin:
    """Puts a service's {field: message} beside the matching fields, the rest at the top."""
    form_errors: list[str]   # the form's own (WTForms)

    def attach_problems(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            field = getattr(self, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = list(field.errors) + [message]
            else:
                self.form_errors.append(message)


class PartnerForm(FlaskForm):
    name = StringField("Organisation name", filters=[clean_line],
                       validators=[DataRequired("Enter the organisation's name."), Length(max=200)])
    kind = RadioField("Kind of organisation", choices=PartnerKind.LABELS,
                      validators=[InputRequired("Choose the kind of organisation.")])
    street = StringField("Street address", filters=[clean_line], validators=[Optional(), Length(max=200)])
    city = StringField("City", filters=[clean_line], validators=[Optional(), Length(max=100)])
    state = SelectField("State", choices=STATE_CHOICES, validators=[Optional()])
    zip_code = StringField("ZIP code", filters=[clean_line], validators=[
        Optional(), Regexp(ZIP_PATTERN, message="Enter a 5-digit ZIP code, like 02139 or 02139-4307.")])
    phone = StringField("Phone", filters=[clean_line], validators=[Optional(), Length(max=30), PHONE])
    email = EmailField("E-mail", filters=[lower_email], validators=[
        Optional(), Length(max=254), Email("Enter a valid e-mail address.", check_deliverability=False)])
    notes = TextAreaField("Notes (staff only)", filters=[clean_text], validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save partner")


class ContactForm(FlaskForm):
    name = StringField("Name", filters=[clean_line],
                       validators=[DataRequired("Enter the contact's name."), Length(max=200)])
    title = StringField("Title or role", filters=[clean_line], validators=[Optional(), Length(max=200)])
    email = EmailField("E-mail", filters=[lower_email], validators=[
        Optional(), Length(max=254), Email("Enter a valid e-mail address.", check_deliverability=False)])
    phone = StringField("Phone", filters=[clean_line], validators=[Optional(), Length(max=30), PHONE])
    submit = SubmitField("Add contact")


def _party_field(label: str) -> SelectField:
    return SelectField(label, choices=[], validate_choice=True,
                       validators=[DataRequired("Choose LEAP or a partner organisation.")])


def _text(label: str, maximum: int = 5000, **kwargs) -> TextAreaField:
    return TextAreaField(label, filters=[clean_text], validators=[Length(max=maximum)], **kwargs)


def _signatory(label: str) -> StringField:
    return StringField(label, filters=[clean_line], validators=[Optional(), Length(max=200)])


class AgreementForm(ProblemsMixin, FlaskForm):
    party_a = _party_field("Party A")
    party_b = _party_field("Party B")
    purpose = _text("Purpose", default=DEFAULT_PURPOSE)
    party_a_responsibilities = _text("Party A's responsibilities", default=DEFAULT_PARTY_A_RESPONSIBILITIES,
                                     description="One responsibility per line.")
    party_b_responsibilities = _text("Party B's responsibilities", default=DEFAULT_PARTY_B_RESPONSIBILITIES,
                                     description="One responsibility per line.")
    governing_state = SelectField("Governing law: the law of", choices=STATE_CHOICES, validators=[Optional()],
                                  description="Required once the agreement is signed.")
    signed_on = DateField("Signing date", validators=[Optional()],
                          description="Leave empty while the agreement is a draft. The term starts on this date.")
    term_years = IntegerField("Term in years", default=lifecycle.DEFAULT_TERM_YEARS, validators=[
        InputRequired("Enter the term in years."),
        WholeNumber(1, lifecycle.MAX_TERM_YEARS, f"Enter a term from 1 to {lifecycle.MAX_TERM_YEARS} years.")])
    notice_days = IntegerField("Notice period in days", default=lifecycle.DEFAULT_NOTICE_DAYS, validators=[
        InputRequired("Enter the notice period in days."),
        WholeNumber(1, lifecycle.MAX_NOTICE_DAYS, f"Enter a notice period from 1 to {lifecycle.MAX_NOTICE_DAYS} days.")])
    signatory_a_name = _signatory("Name of Party A's signatory")
    signatory_a_title = _signatory("Title of Party A's signatory")
    signatory_b_name = _signatory("Name of Party B's signatory")
    signatory_b_title = _signatory("Title of Party B's signatory")
    submit = SubmitField("Save agreement")

    def set_party_choices(self, partners) -> None:
        choices = {"": "Choose…", LEAP_CHOICE: "LEAP (Law Enforcement Action Partnership)"}
        choices.update({str(partner.id): partner.name for partner in partners})
        self.party_a.choices = self.party_b.choices = choices

    def show_parties(self, agreement) -> None:
        """Select a saved agreement's parties (the form was built with obj=agreement, on GET)."""
        self.party_a.data = _choice(agreement.party_a_partner_id)
        self.party_b.data = _choice(agreement.party_b_partner_id)
        self.governing_state.data = agreement.governing_state or ""

    def terms(self) -> AgreementTerms:
        """The declared fields, as the service takes them."""
        return AgreementTerms(
            party_a_partner_id=_partner_id(self.party_a.data), party_b_partner_id=_partner_id(self.party_b.data),
            purpose=self.purpose.data or "", party_a_responsibilities=self.party_a_responsibilities.data or "",
            party_b_responsibilities=self.party_b_responsibilities.data or "",
            governing_state=self.governing_state.data or None, signed_on=self.signed_on.data,
            term_years=self.term_years.data, notice_days=self.notice_days.data,
            signatory_a_name=self.signatory_a_name.data or None, signatory_a_title=self.signatory_a_title.data or None,
            signatory_b_name=self.signatory_b_name.data or None, signatory_b_title=self.signatory_b_title.data or None)


class NewAgreementForm(AgreementForm):
    """The form for a new agreement, carrying a token so that sending it twice records it once."""
    submission_token = HiddenField(default=lambda: secrets.token_urlsafe(24), validators=[
        DataRequired("This form is incomplete: reload the page and try again."),
        Regexp(r"^[A-Za-z0-9_-]{16,64}$", message="This form is incomplete: reload the page and try again.")])


def _choice(partner_id: int | None) -> str:
    return LEAP_CHOICE if partner_id is None else str(partner_id)


def _partner_id(choice: str) -> int | None:
    return None if choice == LEAP_CHOICE else int(choice)


class NoticeForm(ProblemsMixin, FlaskForm):
    notice_received_on = DateField("Date the written notice was received",
                                   validators=[InputRequired("Enter the date the written notice was received.")])
    given_by = RadioField("Notice given by", choices={"a": "Party A", "b": "Party B"},
                          validators=[InputRequired("Choose which party gave notice.")])
    submit = SubmitField("Record notice")


class ActionForm(FlaskForm):
    """A bare form for buttons (renew, withdraw notice, remove contact): the CSRF token."""
    submit = SubmitField("Confirm")


class AgreementFilterForm(FlaskForm):
    """The list's filters, read from the query string."""
    class Meta:
        csrf = False

    status = SelectField("Status", choices={"": "Any status", **lifecycle.STATUS_LABELS}, validators=[Optional()])
    partner = SelectField("Partner", choices=[], validators=[Optional()])
    state = SelectField("Governing state", choices={"": "Any state", **{k: v for k, v in STATE_CHOICES.items() if k}},
                        validators=[Optional()])
    ending_within = IntegerField("Ending within (days)", validators=[
        Optional(), WholeNumber(1, 3650, "Enter a number of days from 1 to 3650.")])

    def set_partner_choices(self, partners) -> None:
        self.partner.choices = {"": "Any partner", **{str(p.id): p.name for p in partners}}
