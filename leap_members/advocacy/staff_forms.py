"""Staff forms: an action, and decisions on sign-ups."""
from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import WholeNumber, clean_line, clean_text
from ..members.categories import CATEGORY_CHOICES
from ..members.forms import check_email
from .forms import LETTER_MAX, max_chars
from .models import ActionKind
from .times import TIMEZONE_CHOICES, NonexistentLocalTime, local_to_utc, utc_to_local

MAX_TARGETS = 50
TARGETS_HINT = ("One official per line: name | title | e-mail address or office. "
                "E-mail is optional; letters are e-mailed only to those who have one.")
LOCAL_TIMES = ("closes_at", "starts_at", "ends_at")
# What browsers send for datetime-local (seconds only if typed); the first is what we render.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class ActionForm(FlaskForm):
    kind = SelectField("Type", choices=ActionKind.LABELS)
    title = StringField("Title", filters=[clean_line],
                        validators=[DataRequired("Give the action a title."), max_chars(200, "the title")])
    slug = StringField("Web address (optional)", filters=[clean_line, lambda v: v.lower() if v else v],
                       validators=[Optional(), max_chars(120, "the web address"),
                                   Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                                          message="Use lower-case letters, digits and single hyphens only.")],
                       description="The end of /actions/…; left empty, it is made from the title.")
    summary = TextAreaField("Public summary", filters=[clean_text],
                            validators=[DataRequired("Write a short public summary."), max_chars(500, "the summary")],
                            description="Anyone with the link sees the title and this summary.")
    description = TextAreaField("What members should know", filters=[clean_text],
                                validators=[DataRequired("Describe the action for members."),
                                            max_chars(20000, "the description")])
    timezone = SelectField("Time zone", choices=TIMEZONE_CHOICES, default="America/New_York",
                           description="Times below are in this zone; members see it.")
    closes_at = DateTimeLocalField("Sign-ups close (optional)", validators=[Optional()], format=LOCAL_FORMATS,
                                   description="Events also close when they start.")
    allowed_categories = SelectMultipleField("Open to", choices=CATEGORY_CHOICES, validators=[Optional()],
                                             widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                             description="Tick none to open it to every member.")
    verified_only = BooleanField("Only members whose professional background staff have verified")
    goal = IntegerField("Signature goal", validators=[Optional(), WholeNumber(1, 10_000_000, "Enter a goal from 1 up.")])
    letter_subject = StringField("Letter subject", filters=[clean_line],
                                 validators=[Optional(), max_chars(200, "the subject")])
    letter_template = TextAreaField("Draft letter", filters=[clean_text],
                                    validators=[Optional(), max_chars(LETTER_MAX, "the draft letter")],
                                    description="Members start from this and can change it.")
    targets = TextAreaField("Officials", filters=[clean_text], validators=[Optional()], description=TARGETS_HINT)
    starts_at = DateTimeLocalField("Starts", validators=[Optional()], format=LOCAL_FORMATS)
    ends_at = DateTimeLocalField("Ends (optional)", validators=[Optional()], format=LOCAL_FORMATS)
    online = BooleanField("Online")
    location = StringField("Place", filters=[clean_line], validators=[Optional(), max_chars(300, "the place")],
                           description="Shown to all members, e.g. “Baltimore City Hall, 100 N Holliday St”.")
    private_details = TextAreaField("Details for those registered", filters=[clean_text],
                                    validators=[Optional(), max_chars(5000, "the details")],
                                    description="Meeting link, room, who to ask for: only registered people see this.")
    capacity = IntegerField("Capacity (optional)", validators=[Optional(), WholeNumber(1, 100_000, "Enter 1 or more.")],
                            description="Empty means no limit. When full, people join a waiting list.")
    host_email = EmailField("Host's e-mail address (optional)", filters=[clean_line],
                            validators=[Optional(), Length(max=254), check_email],
                            description="A LEAP member who runs the event: they can check people in at the door.")
    submit = SubmitField("Save")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.parsed_targets = self._parse_targets()
        kind_ok, times_ok = self._check_kind(), self._check_times()
        return kind_ok and times_ok and ok and not self.targets.errors

    def _check_kind(self) -> bool:
        errors = []
        kind = self.kind.data
        if kind == ActionKind.PETITION and not self.goal.data:
            errors.append((self.goal, "Set a signature goal for the petition."))
        if kind == ActionKind.LETTER:
            if not self.letter_subject.data:
                errors.append((self.letter_subject, "Give the letter a subject."))
            if not self.letter_template.data:
                errors.append((self.letter_template, "Write the draft letter members start from."))
            if not self.parsed_targets and not self.targets.errors:
                errors.append((self.targets, "Add at least one official."))
        if kind == ActionKind.EVENT:
            if not self.starts_at.data and not self.starts_at.errors:
                errors.append((self.starts_at, "Enter when the event starts."))
            if not self.online.data and not self.location.data:
                errors.append((self.location, "Enter the place, or tick “Online”."))
        for field, message in errors:
            field.errors.append(message)
        return not errors

    def _check_times(self) -> bool:
        self.utc = {}
        if self.timezone.errors:   # not one of the zones offered: the refusal is shown next to it
            return False
        ok = True
        for name in LOCAL_TIMES:
            field = getattr(self, name)
            try:
                self.utc[name] = local_to_utc(field.data, self.timezone.data) if field.data else None
            except NonexistentLocalTime:
                field.errors.append("That time does not exist in this time zone (the clocks skip it). "
                                    "Choose another time.")
                ok = False
            except OverflowError:   # 31 December 9999, late evening: past the last UTC date there is
                field.errors.append("Choose a date before the year 9999.")
                ok = False
        if ok and self.kind.data == ActionKind.EVENT:
            starts, ends, closes = self.utc["starts_at"], self.utc["ends_at"], self.utc["closes_at"]
            if starts and ends and ends <= starts:
                self.ends_at.errors.append("The end must be after the start.")
                ok = False
            if starts and closes and closes > starts:
                self.closes_at.errors.append("Sign-ups must close before the event starts.")
                ok = False
        return ok

    def _parse_targets(self) -> list[dict]:
        targets = []
        for number, line in enumerate((self.targets.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) > 3 or not parts[0]:
                self.targets.errors.append(f"Line {number}: write name | title | e-mail or office.")
                continue
            name, title, contact = (parts + ["", ""])[:3]
            target = {"name": name[:200], "title": title[:200] or None, "email": None, "office": None}
            if "@" in contact:
                try:
                    target["email"] = validate_email(contact, check_deliverability=False).normalized
                except EmailNotValidError:
                    self.targets.errors.append(f"Line {number}: “{contact}” is not a valid e-mail address.")
                    continue
            else:
                target["office"] = contact[:300] or None
            targets.append(target)
        if len(targets) > MAX_TARGETS:
            self.targets.errors.append(f"Add at most {MAX_TARGETS} officials.")
        return targets

    def action_fields(self) -> dict:
        """The declared fields as model values: times in UTC, categories as a list."""
        fields = {name: getattr(self, name).data for name in (
            "kind", "title", "slug", "summary", "description", "timezone", "verified_only", "goal",
            "letter_subject", "letter_template", "online", "location", "private_details", "capacity",
            "host_email")}
        fields.update(self.utc)
        fields["allowed_categories"] = ",".join(code for code in CATEGORY_CHOICES
                                                if code in (self.allowed_categories.data or []))
        return fields

    def load(self, action) -> None:
        """Fill the form from an action (on GET), with times in the action's zone."""
        data = {name: getattr(action, name) for name in (
            "kind", "title", "slug", "summary", "description", "timezone", "verified_only", "goal",
            "letter_subject", "letter_template", "online", "location", "private_details", "capacity")}
        for name in LOCAL_TIMES:
            local = utc_to_local(getattr(action, name), action.timezone)
            data[name] = local.replace(tzinfo=None) if local else None
        data["allowed_categories"] = action.category_codes
        data["host_email"] = action.host.email if action.host else ""
        data["targets"] = "\n".join(" | ".join([t.name, t.title or "", t.email or t.office or ""]).rstrip(" |")
                                    for t in action.targets)
        self.process(data=data)


class DecisionForm(FlaskForm):
    note = TextAreaField("Message to the member (optional)", filters=[clean_text],
                         validators=[Optional(), max_chars(2000, "the message")])
    accept = SubmitField("Accept")
    decline = SubmitField("Decline")
