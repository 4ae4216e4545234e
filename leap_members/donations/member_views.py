"""A member's own giving: history, receipts, annual statements, managing a monthly gift."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..core.access import login_required
from ..core.links import public_link
from ..core.timeutil import utcnow
from ..extensions import db
from . import bp, stripe_client
from .forms import ButtonForm
from .history import member_gifts, member_recurring, member_statement, member_years
from .models import RecurringGift
from .receipts import org_facts


@bp.get("/account/giving")
@login_required
def history():
    member = current_user
    return render_template("donations/history.html", gifts=member_gifts(member.id),
                           recurring=member_recurring(member.id), years=member_years(member.id),
                           form=ButtonForm())


@bp.get("/account/giving/statement/<int:year>")
@login_required
def statement(year: int):
    if not 2000 <= year <= utcnow().year:
        abort(404)
    return render_template("donations/statement.html", statement=member_statement(current_user, year),
                           org=org_facts())


@bp.post("/account/giving/monthly/<int:gift_id>/manage")
@login_required
def manage_monthly(gift_id: int):
    """Open Stripe's Billing Portal for one of the member's monthly gifts (card, amount, cancel)."""
    gift = db.session.get(RecurringGift, gift_id)
    if gift is None or gift.member_id != current_user.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not gift.stripe_customer_id:
        flash("This monthly gift cannot be managed online. Please contact us and we will help.", "error")
        return redirect(url_for("donations.history"))
    try:
        url = stripe_client.create_portal_session(gift.stripe_customer_id,
                                                  public_link("donations.history"))
    except stripe_client.StripeUnavailable as exc:
        flash(exc.message, "error")
        return redirect(url_for("donations.history"))
    return redirect(url, code=303)
