"""Editing the public Impact timeline."""
from flask import flash, redirect, render_template, url_for

from ...core.access import staff_required
from ...extensions import db
from ...public.models import TimelineEntry
from .. import bp
from ..forms import ImpactEntryForm, PublishForm
from ..impact import ENTRY_FIELDS, all_entries, save_entry, set_published
from . import found_or_404


@bp.get("/impact")
@staff_required
def impact_entries():
    return render_template("admin/impact.html", entries=all_entries(), form=PublishForm())


@bp.route("/impact/new", methods=["GET", "POST"])
@staff_required
def impact_new():
    return _edit(None)


@bp.route("/impact/<int:entry_id>", methods=["GET", "POST"])
@staff_required
def impact_edit(entry_id: int):
    return _edit(found_or_404(TimelineEntry, entry_id))


def _edit(entry: TimelineEntry | None):
    form = ImpactEntryForm(obj=entry, data=None if entry else {"published": True})
    if form.validate_on_submit():
        saved = save_entry(entry, {name: getattr(form, name).data for name in ENTRY_FIELDS})
        db.session.commit()
        flash(f"The entry “{saved.title}” is saved.", "success")
        return redirect(url_for("admin.impact_entries"))
    return render_template("admin/impact_edit.html", form=form, entry=entry), 400 if form.errors else 200


@bp.post("/impact/<int:entry_id>/publish")
@staff_required
def impact_publish(entry_id: int):
    return _visibility(entry_id, True)


@bp.post("/impact/<int:entry_id>/unpublish")
@staff_required
def impact_unpublish(entry_id: int):
    return _visibility(entry_id, False)


def _visibility(entry_id: int, published: bool):
    entry = found_or_404(TimelineEntry, entry_id)
    if PublishForm().validate_on_submit():
        set_published(entry, published)
        db.session.commit()
        flash(f"“{entry.title}” is {'now shown' if published else 'hidden'} on the public Impact page.", "success")
    return redirect(url_for("admin.impact_entries"))
