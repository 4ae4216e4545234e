"""Staff forms of outreach: topics, segments, messages, suppressions."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..core.forms import clean_line, clean_text
from ..members.forms import check_email, email_field
from .rendering import FIELD_NAMES, UnknownField, check_fields


class TopicForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the topic a name."), Length(max=80)], filters=[clean_line])
    description = TextAreaField("What members get", validators=[Length(max=500)], filters=[clean_text],
                                description="Shown on the e-mail choices page and kept with each member's consent.")
    on_by_default = BooleanField("On for members who agreed to e-mail updates, until they turn it off")


class SegmentForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the segment a name."), Length(max=120)], filters=[clean_line])
    description = TextAreaField("Notes", validators=[Length(max=1000)], filters=[clean_text])
    query = StringField("Directory filters", validators=[Length(max=2000)], filters=[clean_line],
                        description="As in the directory's address after “?”, e.g. state=TX&verification=verified. "
                                    "“Save as a segment” on the directory fills this in.")
    include_ids = StringField("Also include the members of segments (ids, comma-separated)",
                              validators=[Length(max=400)], filters=[clean_line])
    exclude_ids = StringField("Leave out the members of segments (ids, comma-separated)",
                              validators=[Length(max=400)], filters=[clean_line])

    def validate_include_ids(self, field):
        _ids(field)

    def validate_exclude_ids(self, field):
        _ids(field)


def _ids(field) -> None:
    parts = [part.strip() for part in (field.data or "").split(",") if part.strip()]
    if any(not part.isdigit() for part in parts):
        raise ValidationError("Give segment ids as numbers separated by commas, like 3, 7.")
    field.data = ",".join(parts)


BODY_HINT = ("Markdown: **bold**, *italics*, [a link](https://…), lists with “- ”. Merge fields: "
             + ", ".join("{{ " + f + " }}" for f in FIELD_NAMES) + ".")


class MailingForm(FlaskForm):
    subject = StringField("Subject", validators=[DataRequired("Write a subject."), Length(max=300)], filters=[clean_line])
    body_markdown = TextAreaField("Message", validators=[DataRequired("Write the message.")], description=BODY_HINT,
                                  filters=[clean_text])
    topic_id = SelectField("Topic", coerce=int, validate_choice=True)
    segment_id = SelectField("Send to", coerce=int, validate_choice=True)
    track_engagement = BooleanField("Count opens and clicks for this message (said on the privacy page)")

    def validate_subject(self, field):
        _fields(field)

    def validate_body_markdown(self, field):
        _fields(field)


def _fields(field) -> None:
    try:
        check_fields(field.data or "")
    except UnknownField as exc:
        raise ValidationError(str(exc)) from None


class PreviewForm(FlaskForm):
    class Meta:
        csrf = False   # a GET form: it only chooses whose preview to show
    member_id = IntegerField("Preview as member number", validators=[Optional()])


class ScheduleForm(FlaskForm):
    when = DateTimeLocalField("Send at (organisation's time)", format="%Y-%m-%dT%H:%M",
                              validators=[Optional()])


class ActionForm(FlaskForm):
    """A button that changes a message (send, pause, cancel): only its CSRF token."""


class WelcomeStepForm(FlaskForm):
    delay_days = IntegerField("Days after the member confirms their address", default=0,
                              validators=[NumberRange(0, 365, "Give a number of days from 0 to 365.")])
    subject = StringField("Subject", validators=[DataRequired("Write a subject."), Length(max=300)], filters=[clean_line])
    body_markdown = TextAreaField("Message", validators=[DataRequired("Write the message.")], description=BODY_HINT,
                                  filters=[clean_text])
    topic_id = SelectField("Topic", coerce=int, validate_choice=True)

    def validate_subject(self, field):
        _fields(field)

    def validate_body_markdown(self, field):
        _fields(field)


class SuppressionForm(FlaskForm):
    """Staff stop bulk mail to an address (a member who asked by phone, a role address)."""
    address = email_field("Address")
    detail = StringField("Why", validators=[Length(max=500)], filters=[clean_line],
                         description="Kept with the suppression, e.g. “asked by phone on 3 March”.")

    def validate_address(self, field):
        check_email(self, field)


class SuppressionSearchForm(FlaskForm):
    class Meta:
        csrf = False   # a GET form: it only filters the list
    q = StringField("Address contains", validators=[Length(max=254)], filters=[clean_line])
    lifted = BooleanField("Include lifted suppressions")
