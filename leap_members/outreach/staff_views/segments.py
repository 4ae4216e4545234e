"""Saved segments: directory queries kept under a name, with their live count."""
from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from ...admin.views import found_or_404
from ...core.access import staff_required
from ...extensions import db
from ...members.login import current_member
from .. import bp, segments
from ..models import Segment, SegmentCount
from ..staff_forms import SegmentForm

FIELDS = ("name", "description", "query", "include_ids", "exclude_ids")


@bp.get("/staff/outreach/segments")
@staff_required
def segments_page():
    found = db.session.scalars(select(Segment).order_by(Segment.name)).all()
    counts = {}
    for segment in found:
        try:
            counts[segment.id] = segments.count(segment)
        except segments.BadSegment as exc:
            counts[segment.id] = str(exc)
    return render_template("outreach/segments.html", segments=found, counts=counts)


@bp.route("/staff/outreach/segments/new", methods=["GET", "POST"])
@staff_required
def segment_new():
    return _edit(None)


@bp.route("/staff/outreach/segments/<int:segment_id>", methods=["GET", "POST"])
@staff_required
def segment_edit(segment_id: int):
    return _edit(found_or_404(Segment, segment_id))


def _edit(segment: Segment | None):
    form = SegmentForm(obj=segment, data=None if segment else {"query": request.args.get("query", "")})
    if form.validate_on_submit():
        name = form.name.data.strip()
        taken = db.session.scalar(select(Segment.id).where(func.lower(Segment.name) == name.lower()))
        try:
            segments.directory_query(form.query.data or "")
        except segments.BadSegment as exc:
            form.query.errors.append(str(exc))
        if taken and (segment is None or taken != segment.id):
            form.name.errors.append("There is already a segment with this name.")
        if not form.errors:
            saved = segment or Segment(created_by_id=current_member().id)
            for name_ in FIELDS:
                setattr(saved, name_, (getattr(form, name_).data or "").strip())
            db.session.add(saved)
            db.session.flush()
            try:
                size = segments.record_count(saved)
            except segments.BadSegment as exc:
                db.session.rollback()
                form.include_ids.errors.append(str(exc))
            else:
                db.session.commit()
                flash(f"The segment “{saved.name}” is saved: {size:,} members match now.", "success")
                return redirect(url_for("outreach.segment_edit", segment_id=saved.id))
    history: list[SegmentCount] = []
    if segment is not None:
        history = list(db.session.scalars(select(SegmentCount).where(SegmentCount.segment_id == segment.id)
                                          .order_by(SegmentCount.day.desc()).limit(90)))
    return (render_template("outreach/segment_edit.html", form=form, segment=segment, history=history),
            400 if form.errors else 200)
