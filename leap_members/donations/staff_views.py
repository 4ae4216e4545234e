"""Staff pages under /staff/donations: the gift list, a gift, refunds, funds, troubled monthly gifts."""
from flask import abort, flash, redirect, render_template, request, url_for

from ..core.access import staff_required
from ..core.csvsafe import csv_response
from ..core.timeutil import utcnow
from ..extensions import db
from . import bp, stripe_client
from .forms import ButtonForm, DonationFilterForm, FundForm, RefundForm
from .models import Donation, Fund
from .staff_queries import (
    EXPORT_HEADER,
    GiftFilters,
    all_funds,
    export_rows,
    gift_page,
    problem_monthly_gifts,
    refundable_cents,
    request_refund,
    save_fund,
    totals,
)


def _filters() -> tuple[DonationFilterForm, GiftFilters | None]:
    form = DonationFilterForm(request.args, funds=all_funds())
    if request.args and not form.validate():
        return form, None
    return form, GiftFilters(date_from=form.date_from.data, date_to=form.date_to.data, kind=form.kind.data or None,
                             status=form.status.data or None, fund=form.fund.data or None)


@bp.get("/staff/donations")
@staff_required
def staff_list():
    form, filters = _filters()
    if filters is None:
        return render_template("donations/staff_list.html", form=form, gifts=[], totals=None), 400
    return render_template("donations/staff_list.html", form=form, gifts=gift_page(filters), totals=totals(filters))


@bp.get("/staff/donations/export.csv")
@staff_required
def staff_export():
    _form, filters = _filters()
    if filters is None:
        abort(400, "The filters are not valid; fix them on the donations page and export again.")
    return csv_response(f"leap-donations-{utcnow():%Y%m%d-%H%M}.csv", EXPORT_HEADER, export_rows(filters))


@bp.get("/staff/donations/<int:donation_id>")
@staff_required
def staff_detail(donation_id: int):
    donation = db.session.get(Donation, donation_id) or abort(404)
    return render_template("donations/staff_detail.html", donation=donation, form=RefundForm(),
                           refundable=refundable_cents(donation))


@bp.post("/staff/donations/<int:donation_id>/refund")
@staff_required
def staff_refund(donation_id: int):
    donation = db.session.get(Donation, donation_id) or abort(404)
    form = RefundForm()
    refundable = refundable_cents(donation)
    if not form.validate_on_submit():
        abort(400)
    amount = form.refund_cents(refundable)
    if amount == -1:
        return render_template("donations/staff_detail.html", donation=donation, form=form,
                               refundable=refundable), 400
    try:
        request_refund(donation, amount)
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("donations.staff_detail", donation_id=donation.id))
    except stripe_client.StripeUnavailable as exc:
        flash(f"Stripe did not make the refund: {exc.message}", "error")
        return redirect(url_for("donations.staff_detail", donation_id=donation.id))
    db.session.commit()
    flash("Stripe accepted the refund. It appears here as soon as Stripe confirms it (usually within a minute).",
          "success")
    return redirect(url_for("donations.staff_detail", donation_id=donation.id))


@bp.get("/staff/donations/monthly-problems")
@staff_required
def staff_problems():
    return render_template("donations/staff_problems.html", gifts=problem_monthly_gifts())


@bp.route("/staff/donations/funds", methods=["GET", "POST"])
@bp.route("/staff/donations/funds/<int:fund_id>", methods=["GET", "POST"])
@staff_required
def staff_funds(fund_id: int | None = None):
    fund = db.session.get(Fund, fund_id) if fund_id else None
    if fund_id and fund is None:
        abort(404)
    form = FundForm(obj=fund)
    if form.validate_on_submit():
        try:
            save_fund(fund, form.name.data, form.description.data or None, form.position.data or 0, form.active.data)
        except ValueError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash("The fund is saved.", "success")
            return redirect(url_for("donations.staff_funds"))
    status = 400 if form.errors else 200
    return render_template("donations/staff_funds.html", form=form, fund=fund, funds=all_funds(),
                           button=ButtonForm()), status
