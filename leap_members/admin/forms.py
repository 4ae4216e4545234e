"""Staff console forms: declared fields only, text cleaned, choices as dicts."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..core.forms import WholeNumber, clean_line, clean_text
from ..members.forms import check_email, email_field
from .records import ROLE_LABELS, SETTABLE_STATUSES


class NoteForm(FlaskForm):
    body = TextAreaField("Add a staff note", filters=[clean_text],
                         validators=[DataRequired("Write the note first."), Length(max=5000)],
                         description="Only staff see notes. Do not record anything the member would be hurt to read.")
    submit = SubmitField("Save note")


class StatusForm(FlaskForm):
    status = SelectField("Membership status", choices=SETTABLE_STATUSES,
                         validators=[InputRequired("Choose a status.")])
    reason = StringField("Reason (kept in the audit log)", filters=[clean_line],
                         validators=[Optional(), Length(max=300)])
    submit = SubmitField("Change status")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_LABELS, validators=[InputRequired("Choose a role.")])
    submit = SubmitField("Change role")


class PromoteForm(FlaskForm):
    email = email_field("E-mail address of the member")
    role = SelectField("New role", choices={k: v for k, v in ROLE_LABELS.items() if k != "member"},
                       validators=[InputRequired("Choose a role.")])
    submit = SubmitField("Give this role")

    validate_email = check_email


class MergeForm(FlaskForm):
    source_id = HiddenField(validators=[DataRequired("Choose the duplicate record first.")])
    confirm = BooleanField("I have checked that these two records are the same person",
                           validators=[DataRequired("Tick the box to confirm the two records are the same person.")])
    submit = SubmitField("Merge the duplicate into this record")

    def validate_source_id(self, field):
        if not (field.data or "").isascii() or not (field.data or "").isdigit():
            raise ValidationError("Choose the duplicate record first.")


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", choices={"approve": "Verify", "reject": "Do not verify"},
                          validators=[InputRequired("Choose verify or do not verify.")])
    reason = TextAreaField("Reason (sent to the member)", filters=[clean_text], validators=[Length(max=2000)],
                           description="Required when you do not verify: the member reads it in the e-mail.")
    submit = SubmitField("Send decision")

    def validate_reason(self, field):
        if self.decision.data == "reject" and not field.data:
            raise ValidationError("Tell the member why the claim could not be verified.")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        known = {value for value, *_ in self.iter_choices()}
        for value in self.data or ():
            if value not in known:
                raise ValidationError(f"Unknown column “{str(value)[:40]}”: choose from the list.")


class ExportForm(FlaskForm):
    columns = MultiCheckboxField("Columns", validators=[DataRequired("Choose at least one column to export.")])
    hide_private = BooleanField("Leave out the agency and role of members who keep their affiliation private "
                                "(tick this for lists that go beyond staff)")
    submit = SubmitField("Download CSV")


class ImportForm(FlaskForm):
    file = FileField("Member list (CSV, UTF-8)", validators=[
        FileRequired("Choose a CSV file."), FileAllowed(["csv", "txt"], "Upload a .csv file.")],
        description="First line: column names. E-mail, first name and last name are required; "
                    "city, state and ZIP code are needed for each member.")
    submit = SubmitField("Check the file (nothing is saved yet)")


class ApplyImportForm(FlaskForm):
    submit = SubmitField("Import the new members")


class ImpactEntryForm(FlaskForm):
    year = IntegerField("Year", validators=[InputRequired("Enter the year."),
                                            WholeNumber(1900, 2100, "Enter a year from 1900 to 2100.")])
    title = StringField("Title", filters=[clean_line], validators=[DataRequired("Enter a title."), Length(max=200)])
    position = TextAreaField("LEAP's position", filters=[clean_text],
                             validators=[DataRequired("Describe the position LEAP took."), Length(max=5000)])
    outcome = TextAreaField("What followed", filters=[clean_text],
                            validators=[DataRequired("Describe what followed."), Length(max=5000)])
    published = BooleanField("Show on the public Impact page")
    submit = SubmitField("Save")

class PublishForm(FlaskForm):
    submit = SubmitField("Publish")
