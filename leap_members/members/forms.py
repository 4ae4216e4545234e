"""Signup, login, password and profile forms."""
from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, Regexp, ValidationError

from ..core.forms import HoneypotForm, WholeNumber, clean_line
from ..core.passwords import password_problem
from .categories import CATEGORIES, CATEGORY_CHOICES
from .geography import STATE_CHOICES, ZIP_PATTERN

PHONE_PATTERN = r"^[0-9+().\- ]{7,30}$"
PHONE_MESSAGE = "Use digits, spaces and + ( ) - only."
EMAIL_UPDATES_WORDING = ("Send me e-mail updates about LEAP's work, events and ways to help. "
                         "I can unsubscribe at any time.")


def normalise_email(raw: str) -> str:
    """The canonical form of an address, as stored and compared."""
    result = validate_email(raw, check_deliverability=False)
    return result.normalized.lower()


def email_field(label: str = "E-mail address") -> EmailField:
    return EmailField(label, filters=[clean_line],
                      validators=[DataRequired("Enter your e-mail address."), Length(max=254)],
                      render_kw={"autocomplete": "email"})


def check_email(form, field) -> None:
    try:
        field.data = normalise_email(field.data or "")
    except EmailNotValidError as exc:
        raise ValidationError(f"Enter a valid e-mail address ({exc}).") from exc


class NewPasswordMixin:
    password = PasswordField("Password", validators=[DataRequired("Choose a password.")],
                             render_kw={"autocomplete": "new-password"},
                             description="At least 12 characters. A short sentence is easy to remember.")
    confirm_password = PasswordField(
        "Repeat the password",
        validators=[DataRequired("Repeat the password."), EqualTo("password", "The two passwords differ.")],
        render_kw={"autocomplete": "new-password"})

    # The person's own words a password must not be made of, when the page knows who is choosing it.
    known_words: tuple[str, ...] = ()

    def personal_words(self) -> tuple[str, ...]:
        return self.known_words

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.personal_words())
        if problem:
            raise ValidationError(problem)


class NameMixin:
    first_name = StringField("First name", filters=[clean_line],
                             validators=[DataRequired("Enter your first name."), Length(max=80)],
                             render_kw={"autocomplete": "given-name"})
    last_name = StringField("Last name", filters=[clean_line],
                            validators=[DataRequired("Enter your last name."), Length(max=80)],
                            render_kw={"autocomplete": "family-name"})


class AddressMixin:
    city = StringField("City", filters=[clean_line],
                       validators=[DataRequired("Enter your city."), Length(max=100)],
                       render_kw={"autocomplete": "address-level2"})
    state = SelectField("State", choices=STATE_CHOICES,
                        validators=[DataRequired("Choose your state.")],
                        render_kw={"autocomplete": "address-level1"})
    zip_code = StringField("ZIP code", filters=[clean_line],
                           validators=[DataRequired("Enter your ZIP code."),
                                       Regexp(ZIP_PATTERN, message="Enter a 5-digit ZIP code, like 02139 or 02139-4307.")],
                           render_kw={"autocomplete": "postal-code", "inputmode": "numeric"})
    phone = StringField("Phone (optional)", filters=[clean_line],
                        validators=[Optional(), Length(max=30),
                                    Regexp(PHONE_PATTERN, message=PHONE_MESSAGE)],
                        render_kw={"autocomplete": "tel"})


class ProfessionalMixin:
    category: RadioField   # the form's own field: the facts asked for depend on it
    organisation = StringField("Agency or organisation", filters=[clean_line], validators=[Optional(), Length(max=200)])
    role_title = StringField("Rank or role", filters=[clean_line], validators=[Optional(), Length(max=200)])
    years_of_service = IntegerField("Years of service", validators=[Optional(), WholeNumber(0, 70, "Enter a number from 0 to 70.")])
    affiliation_private = BooleanField("Keep my affiliation private (only LEAP staff will see my agency and role)")

    def check_professional_fields(self) -> bool:
        """Require the facts the chosen category asks for."""
        category = CATEGORIES.get(self.category.data)
        if category is None:
            return False
        ok = True
        if category.organisation_label and not self.organisation.data:
            self.organisation.errors.append(f"Enter your {category.organisation_label.lower()}.")
            ok = False
        if category.role_label and not self.role_title.data:
            self.role_title.errors.append(f"Enter your {category.role_label.lower()}.")
            ok = False
        if category.asks_years and self.years_of_service.data is None:
            self.years_of_service.errors.append("Enter your years of service.")
            ok = False
        if not category.professional:
            self.organisation.data = self.role_title.data = None
            self.years_of_service.data = None
        return ok


class SignupForm(NewPasswordMixin, NameMixin, AddressMixin, ProfessionalMixin, HoneypotForm):
    category = RadioField("I am", choices=CATEGORY_CHOICES,
                          validators=[InputRequired("Choose the description that fits you.")])
    email = email_field()
    email_updates = BooleanField(EMAIL_UPDATES_WORDING)
    submit = SubmitField("Join LEAP")

    validate_email = check_email

    def personal_words(self) -> tuple[str, ...]:
        return (self.first_name.data or "", self.last_name.data or "", (self.email.data or "").split("@")[0])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_professional_fields() and ok


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField("Log in")


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField("Send me a reset link")

    validate_email = check_email


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField("Set my new password")


class ConfirmForm(FlaskForm):
    """A bare form: a button and the CSRF token."""
    submit = SubmitField("Confirm")


class ProfileForm(NameMixin, AddressMixin, ProfessionalMixin, FlaskForm):
    category = RadioField("I am", choices=CATEGORY_CHOICES,
                          validators=[InputRequired("Choose the description that fits you.")])
    email_updates = BooleanField(EMAIL_UPDATES_WORDING)
    submit = SubmitField("Save my profile")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_professional_fields() and ok


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")],
                                     render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Change my password")


class ChangeEmailForm(FlaskForm):
    new_email = email_field("New e-mail address")
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")],
                                     render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Change my e-mail address")

    validate_new_email = check_email
