"""One member's record: profile, timeline, notes, status, role, merge."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ...core import registry
from ...core.access import admin_required, staff_required
from ...extensions import db
from ...members.models import Member
from ...members.services import find_by_email
from .. import bp
from ..directory import flags_for
from ..filters import STATUS_LABELS, VERIFICATION_LABELS
from ..forms import DecisionForm, MergeForm, NoteForm, RoleForm, StatusForm
from ..merge import MergeRefused, check_mergeable, merge_into, merge_members
from ..records import ChangeRefused, add_note, change_role, change_status, notes_of, timeline
from . import found_or_404, parse_id


def feature_panels(member: Member) -> list[Markup]:
    """What each feature shows on the record (tags, ...), each from its own autoescaped template."""
    return [Markup(render_template(template, **context))  # nosec B704
            for template, context in (panel(member) for panel in registry.member_panels)]


def render_record(member: Member, status: int = 200, **forms):
    forms.setdefault("note_form", NoteForm())
    forms.setdefault("status_form", StatusForm(status=member.status))
    forms.setdefault("role_form", RoleForm(role=member.role))
    forms.setdefault("decision_form", DecisionForm(prefix=f"claim{member.id}"))
    return render_template("admin/member.html", member=member, events=timeline(member), notes=notes_of(member),
                           flags=flags_for([member.id])[member.id], merged_into=merge_into(member.id),
                           status_labels=STATUS_LABELS, verification_labels=VERIFICATION_LABELS,
                           merge_form=MergeForm(), panels=feature_panels(member), **forms), status


@bp.get("/members/<int:member_id>")
@staff_required
def member(member_id: int):
    return render_record(found_or_404(Member, member_id))


@bp.post("/members/<int:member_id>/notes")
@staff_required
def add_member_note(member_id: int):
    member = found_or_404(Member, member_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_record(member, 400, note_form=form)
    add_note(member, form.body.data)
    db.session.commit()
    flash("The note is saved.", "success")
    return redirect(url_for("admin.member", member_id=member.id, _anchor="notes"))


@bp.post("/members/<int:member_id>/status")
@admin_required
def change_member_status(member_id: int):
    member = found_or_404(Member, member_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            changed = change_status(member, form.status.data, form.reason.data or "", current_user)
        except ChangeRefused as exc:
            db.session.rollback()
            form.status.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Status set to {form.status.data}." if changed else "The status was already that.", "success")
            return redirect(url_for("admin.member", member_id=member.id))
    return render_record(member, 400, status_form=form)


@bp.post("/members/<int:member_id>/role")
@admin_required
def change_member_role(member_id: int):
    member = found_or_404(Member, member_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            changed = change_role(member, form.role.data, current_user)
        except ChangeRefused as exc:
            db.session.rollback()
            form.role.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{member.full_name} is now {form.role.data}." if changed else "The role was already that.",
                  "success")
            return redirect(url_for("admin.member", member_id=member.id))
    return render_record(member, 400, role_form=form)


def _find_duplicate(text: str) -> Member | None:
    text = text.strip()
    if "@" in text:
        return find_by_email(text) if len(text) <= 254 else None
    ident = parse_id(text)
    return db.session.get(Member, ident) if ident else None


@bp.route("/members/<int:member_id>/merge", methods=["GET", "POST"])
@admin_required
def merge_member(member_id: int):
    """GET: find the duplicate and compare; POST: merge it into this record."""
    target = found_or_404(Member, member_id)
    form = MergeForm()
    lookup = request.args.get("duplicate", "") if request.method == "GET" else ""
    if "\x00" in lookup or len(lookup) > 254:
        abort(400, "The duplicate must be given as a member number or an e-mail address.")
    source, problem = None, None
    if request.method == "POST":
        if form.validate_on_submit():
            source = found_or_404(Member, parse_id(form.source_id.data) or 0)
            try:
                merge_members(source, target)
            except MergeRefused as exc:
                db.session.rollback()
                problem = str(exc)
            else:
                db.session.commit()
                flash(f"Record #{source.id} was merged into this one.", "success")
                return redirect(url_for("admin.member", member_id=target.id))
        elif parse_id(form.source_id.data):
            source = db.session.get(Member, parse_id(form.source_id.data))
    elif lookup:
        source = _find_duplicate(lookup)
        if source is None:
            problem = "No member has that number or e-mail address."
    if source is not None and problem is None:
        try:
            check_mergeable(source, target)
        except MergeRefused as exc:
            problem = str(exc)
    if source is not None:
        form.source_id.data = str(source.id)
    status = 400 if problem or form.errors else 200
    return render_template("admin/merge.html", target=target, source=source, form=form, lookup=lookup,
                           problem=problem, source_events=timeline(source) if source else [],
                           status_labels=STATUS_LABELS), status
