"""Tags: the list with member counts, create, rename, delete, and tagging one member from their record."""
from typing import Callable

from flask import abort, flash, redirect, render_template, url_for

from ...admin.views import found_or_404
from ...core.access import staff_required
from ...extensions import db
from ...members.login import current_member
from ...members.models import Member
from .. import bp
from ..models import Tag
from ..staff_forms import ActionForm
from ..tag_forms import DeleteTagForm, MemberTagForm, TagForm, tag_choices
from ..tags import (
    TagRefused,
    all_tags,
    create_tag,
    delete_tag,
    member_counts,
    rename_tag,
    segments_filtering_by,
    tag_member,
    untag_member,
)


@bp.route("/staff/outreach/tags", methods=["GET", "POST"])
@staff_required
def tags():
    """GET: every tag and how many members have it; POST: create a tag."""
    form = TagForm()
    if form.validate_on_submit() and (done := _saved(form, lambda name: create_tag(name, current_member()),
                                                     "The tag “{}” is created.")):
        return done
    return (render_template("outreach/tags.html", tags=all_tags(), counts=member_counts(), form=form),
            400 if form.errors else 200)


@bp.route("/staff/outreach/tags/<int:tag_id>", methods=["GET", "POST"])
@staff_required
def tag_edit(tag_id: int):
    """GET: the rename and delete forms; POST: rename."""
    tag = found_or_404(Tag, tag_id)
    form = TagForm(obj=tag)
    if form.validate_on_submit() and (done := _saved(form, lambda name: rename_tag(tag, name),
                                                     "The tag is now called “{}”.")):
        return done
    return _edit_page(tag, form, DeleteTagForm(formdata=None))


def _saved(form: TagForm, save: Callable[[str], Tag], done: str):
    """Create or rename with the form's name and go back to the list; None (the reason under the field) if refused."""
    try:
        tag = save(form.name.data)
    except TagRefused as exc:
        db.session.rollback()
        form.name.errors.append(str(exc))
        return None
    db.session.commit()
    flash(done.format(tag.name), "success")
    return redirect(url_for("outreach.tags"))


def _edit_page(tag: Tag, form: TagForm, delete_form: DeleteTagForm):
    status = 400 if form.errors or delete_form.errors else 200
    return render_template("outreach/tag_edit.html", tag=tag, form=form, delete_form=delete_form,
                           members=member_counts().get(tag.id, 0), segments=segments_filtering_by(tag)), status


@bp.post("/staff/outreach/tags/<int:tag_id>/delete")
@staff_required
def tag_delete(tag_id: int):
    tag = found_or_404(Tag, tag_id)
    form = DeleteTagForm()
    if not form.validate_on_submit():
        return _edit_page(tag, TagForm(obj=tag, formdata=None), form)
    name = tag.name
    removed = delete_tag(tag, current_member())
    db.session.commit()
    flash(f"The tag “{name}” is deleted; {removed:,} member{'s' if removed != 1 else ''} had it. "
          "Their timelines keep the history.", "success")
    return redirect(url_for("outreach.tags"))


@bp.post("/staff/outreach/members/<int:member_id>/tags")
@staff_required
def member_tag(member_id: int):
    member = found_or_404(Member, member_id)
    form = MemberTagForm()
    form.tag_id.choices = tag_choices()
    if not form.validate_on_submit():
        abort(400, "Choose one of the tags in the list, then try again.")
    tag = found_or_404(Tag, form.tag_id.data)
    return _back_to_record(member, tag_member(member, tag, current_member()), f"Tagged “{tag.name}”.",
                           f"{member.full_name} already has the tag “{tag.name}”.")


@bp.post("/staff/outreach/members/<int:member_id>/tags/<int:tag_id>/remove")
@staff_required
def member_untag(member_id: int, tag_id: int):
    member, tag = found_or_404(Member, member_id), found_or_404(Tag, tag_id)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired. Go back, reload the page and try again.")
    return _back_to_record(member, untag_member(member, tag, current_member()), f"The tag “{tag.name}” is removed.",
                           f"{member.full_name} did not have the tag “{tag.name}”.")


def _back_to_record(member: Member, changed: bool, done: str, unchanged: str):
    db.session.commit()
    flash(done if changed else unchanged, "success" if changed else "info")
    return redirect(url_for("admin.member", member_id=member.id, _anchor="tags"))
