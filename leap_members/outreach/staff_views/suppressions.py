"""Suppressed addresses: why each gets no bulk mail, the reports behind it, lifting and adding."""
from collections import defaultdict

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ...admin.views import found_or_404
from ...core.access import staff_required
from ...extensions import db
from ...members.login import current_member
from ...members.models import Member
from .. import bounces, bp
from ..models import DeliveryEvent, Suppression, SuppressionReason
from ..staff_forms import ActionForm, SuppressionForm, SuppressionSearchForm

SHOWN = 200
KIND_WORDS = {"hard-bounce": "Hard bounce", "soft-bounce": "Soft bounce", "complaint": "Spam complaint"}


@bp.get("/staff/outreach/suppressions")
@staff_required
def suppressions():
    return _page(SuppressionForm())


@bp.post("/staff/outreach/suppressions")
@staff_required
def suppression_add():
    form = SuppressionForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    address = form.address.data
    if bounces.suppress(address, SuppressionReason.MANUAL, form.detail.data or ""):
        db.session.commit()
        flash(f"{address} gets no more bulk mail.", "success")
    else:
        flash(f"{address} was already suppressed: nothing changed.", "info")
    return redirect(url_for("outreach.suppressions", q=address))


@bp.route("/staff/outreach/suppressions/<int:suppression_id>/lift", methods=["GET", "POST"])
@staff_required
def suppression_lift(suppression_id: int):
    suppression = found_or_404(Suppression, suppression_id)
    if suppression.lifted_at is not None:
        flash(f"The suppression of {suppression.address} was already lifted.", "info")
        return redirect(url_for("outreach.suppressions", q=suppression.address))
    form = ActionForm()
    if form.validate_on_submit():
        bounces.lift(suppression.address, current_member())
        db.session.commit()
        flash(f"Bulk mail may reach {suppression.address} again. The suppression stays in its history.", "success")
        return redirect(url_for("outreach.suppressions", q=suppression.address))
    member = db.session.scalar(select(Member).where(Member.email == suppression.address))
    return render_template("outreach/suppression_lift.html", suppression=suppression, form=form, member=member,
                           reasons=SuppressionReason.LABELS), 400 if form.is_submitted() else 200


def _page(form: SuppressionForm, status: int = 200):
    search = SuppressionSearchForm(request.args)
    query = select(Suppression).order_by(Suppression.created_at.desc(), Suppression.id.desc()).limit(SHOWN)
    if search.validate() and search.q.data:
        query = query.where(Suppression.address.contains(search.q.data.lower(), autoescape=True))
    if not search.lifted.data:
        query = query.where(Suppression.lifted_at.is_(None))
    found = db.session.scalars(query).all()
    events = defaultdict(list)
    for event in db.session.scalars(select(DeliveryEvent).where(DeliveryEvent.address.in_({s.address for s in found}))
                                    .order_by(DeliveryEvent.occurred_at.desc())):
        events[event.address].append(event)
    return render_template("outreach/suppressions.html", suppressions=found, events=events, search=search,
                           form=form, reasons=SuppressionReason.LABELS, kinds=KIND_WORDS, shown=SHOWN), status
