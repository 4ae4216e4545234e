"""The verification queue for professional claims."""
from flask import flash, redirect, render_template, url_for

from ...core.access import staff_required
from ...extensions import db
from ...members.models import Member
from .. import bp
from ..forms import DecisionForm
from ..verification import AlreadyDecided, decide_claim, pending_claims, pending_count
from . import found_or_404


def render_queue(status: int = 200, failed: tuple[int, DecisionForm] | None = None):
    claims = pending_claims()
    forms = {claim.id: DecisionForm(prefix=f"claim{claim.id}", formdata=None) for claim in claims}
    if failed:
        forms[failed[0]] = failed[1]
    return render_template("admin/verification.html", claims=claims, forms=forms, total=pending_count()), status


@bp.get("/verification")
@staff_required
def verification_queue():
    return render_queue()


@bp.post("/verification/<int:member_id>")
@staff_required
def decide(member_id: int):
    member = found_or_404(Member, member_id)
    form = DecisionForm(prefix=f"claim{member.id}")
    if not form.validate_on_submit():
        return render_queue(400, (member.id, form))
    try:
        decide_claim(member, form.decision.data == "approve", form.reason.data or "")
    except AlreadyDecided as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("admin.verification_queue"))
    db.session.commit()
    outcome = "verified" if member.is_verified else "not verified"
    flash(f"{member.full_name} is {outcome}; we e-mailed them at {member.email}.", "success")
    return redirect(url_for("admin.verification_queue"))
