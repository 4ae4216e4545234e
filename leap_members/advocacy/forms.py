"""The forms members fill in to take part; each kind of action has its own."""
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from ..core.forms import HoneypotForm, clean_line, clean_text
from .models import ActionKind

COMMENT_MAX = 1000
SUBJECT_MAX = 200
LETTER_MAX = 5000
LETTER_MIN = 20
OFFER_MAX = 2000


def max_chars(limit: int, what: str):
    """A length check whose message says how long the text is now."""
    def check(form, field):
        if field.data and len(field.data) > limit:
            raise ValidationError(f"Keep {what} to {limit:,} characters or fewer (it has {len(field.data):,}).")
    return check


class PetitionForm(HoneypotForm):
    comment = TextAreaField("Why you sign (optional)", filters=[clean_text],
                            validators=[Optional(), max_chars(COMMENT_MAX, "your comment")],
                            description="Other members see your comment with your first name and state.")
    submit = SubmitField("Sign the petition")


class LetterForm(HoneypotForm):
    letter_subject = StringField("Subject", filters=[clean_line],
                                 validators=[DataRequired("Give your letter a subject."),
                                             max_chars(SUBJECT_MAX, "the subject")])
    letter_body = TextAreaField("Your letter", filters=[clean_text],
                                validators=[DataRequired("Write your letter (you can start from our draft)."),
                                            max_chars(LETTER_MAX, "your letter")],
                                render_kw={"rows": 14},
                                description="Make it your own: officials pay most attention to personal letters. "
                                            "We add your name, city and state at the end.")
    submit = SubmitField("Send my letter")

    def validate_letter_body(self, field):
        if field.data and len(field.data) < LETTER_MIN:
            raise ValidationError(f"Write at least {LETTER_MIN} characters.")


class EventForm(HoneypotForm):
    comment = TextAreaField("Anything the organisers should know? (optional)", filters=[clean_text],
                            validators=[Optional(), max_chars(COMMENT_MAX, "your note")],
                            description="For example access needs. Only LEAP staff see this.")
    submit = SubmitField("Register")


class OfferForm(HoneypotForm):
    availability = TextAreaField("When are you available?", filters=[clean_text],
                                 validators=[DataRequired("Tell us when you are available."),
                                             max_chars(OFFER_MAX, "your availability")],
                                 description="Dates, days of the week, how far you can travel.")
    topics = TextAreaField("What can you speak about or help with?", filters=[clean_text],
                           validators=[DataRequired("Tell us the topics you can cover."),
                                       max_chars(OFFER_MAX, "your topics")])
    submit = SubmitField("Send my offer")


class ButtonForm(FlaskForm):
    """A single button with the CSRF token (withdraw, publish, ...)."""
    submit = SubmitField("Confirm")


SIGNUP_FORMS = {ActionKind.PETITION: PetitionForm, ActionKind.LETTER: LetterForm,
                ActionKind.EVENT: EventForm, ActionKind.SPEAKING: OfferForm}


def signup_form_for(action, **kwargs):
    """The sign-up form for this kind of action; a letter starts from the staff's draft."""
    form_class = SIGNUP_FORMS[action.kind]
    if action.kind == ActionKind.LETTER:
        kwargs.setdefault("letter_subject", action.letter_subject)
        kwargs.setdefault("letter_body", action.letter_template)
    return form_class(**kwargs)
