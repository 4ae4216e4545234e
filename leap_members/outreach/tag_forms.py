"""Staff forms for tags; the tag lists are filled in by the view (``choices = tag_choices()``)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..core.forms import clean_line
from .tags import MAX_NAME, all_tags

CHANGES = {"add": "Add the tag", "remove": "Remove the tag"}


def tag_choices() -> dict[int, str]:
    return {tag.id: tag.name for tag in all_tags()}


class TagForm(FlaskForm):
    name = StringField("Name", filters=[clean_line],
                       validators=[DataRequired("Give the tag a name."), Length(max=MAX_NAME)])


class DeleteTagForm(FlaskForm):
    confirm = BooleanField("Yes, take this tag off every member who has it and delete it",
                           validators=[DataRequired("Tick the box to confirm.")])


class MemberTagForm(FlaskForm):
    tag_id = SelectField("Add a tag", coerce=int, validators=[InputRequired("Choose a tag.")])


class SelectionTagForm(FlaskForm):
    """Add or remove a tag for every member matching the directory filters sent with it."""
    tag_id = SelectField("Tag", coerce=int, validators=[InputRequired("Choose a tag.")])
    change = RadioField("Change", choices=CHANGES, default="add", validators=[InputRequired("Choose add or remove.")])


class TagUploadForm(FlaskForm):
    tag_id = SelectField("Tag", coerce=int, validators=[InputRequired("Choose a tag.")])
    file = FileField("E-mail addresses (CSV, UTF-8)", validators=[FileRequired("Choose a CSV file.")],
                     description="One column of addresses, or a column headed “email” or “e-mail”. "
                                 "A file exported from the directory works as it is.")
