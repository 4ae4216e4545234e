"""Staff pages for agreements: the list and its export, the record, its document, its lifecycle."""
from flask import Response, abort, flash, redirect, render_template, request, url_for

from ..core.access import staff_required
from ..core.csvsafe import csv_response
from ..extensions import db
from ..members.geography import US_STATES
from ..members.login import current_member
from . import bp, history, lifecycle
from .clock import local_today
from .document import BLANK, LeapParty, build_document, item_letter
from .export import EXPORT_HEADER, export_row
from .forms import ActionForm, AgreementFilterForm, AgreementForm, NewAgreementForm, NoticeForm
from .models import Agreement, Partner
from .pdf import render_pdf
from .queries import AgreementFilter, all_partners, list_agreements, stream_agreements
from .services import (
    AgreementInvalid,
    AlreadyRenewed,
    AlreadySubmitted,
    create_agreement,
    record_notice,
    renew_agreement,
    update_agreement,
    withdraw_notice,
)


@bp.context_processor
def partnership_template_values() -> dict:
    return {"state_names": US_STATES}


def _actor():
    return current_member()


def _agreement_or_404(agreement_id: int) -> Agreement:
    return db.session.get(Agreement, agreement_id) or abort(404)


def _read_filters() -> tuple[AgreementFilterForm, AgreementFilter | None]:
    """The list filters from the query string; None when a value is not acceptable."""
    form = AgreementFilterForm(formdata=request.args)
    form.set_partner_choices(all_partners())
    if request.args and not form.validate():
        return form, None
    partner = form.partner.data
    return form, AgreementFilter(status=form.status.data or None, partner_id=int(partner) if partner else None,
                                 state=form.state.data or None, ending_within_days=form.ending_within.data)


@bp.get("/")
@staff_required
def index():
    form, filters = _read_filters()
    today = local_today()
    if filters is None:
        return render_template("partnerships/index.html", form=form, agreements=[], today=today), 400
    return render_template("partnerships/index.html", form=form, agreements=list_agreements(filters, today),
                           today=today, export_args=request.args)


@bp.get("/export.csv")
@staff_required
def export():
    form, filters = _read_filters()
    today = local_today()
    if filters is None:
        return render_template("partnerships/index.html", form=form, agreements=[], today=today), 400
    rows = (export_row(agreement, today) for agreement in stream_agreements(filters, today))
    return csv_response(f"partnership-agreements-{today.isoformat()}.csv", EXPORT_HEADER, rows)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    partners = all_partners()
    form = NewAgreementForm()
    form.set_party_choices(partners)
    if request.method == "GET":
        form.party_a.data = "leap"
        chosen = request.args.get("partner", type=int)
        if chosen and db.session.get(Partner, chosen):
            form.party_b.data = str(chosen)
    if form.validate_on_submit():
        try:
            agreement = create_agreement(form.terms(), _actor(), local_today(),
                                         submission_token=form.submission_token.data)
        except AgreementInvalid as exc:
            db.session.rollback()
            form.attach_problems(exc.problems)
        except AlreadySubmitted as exc:
            db.session.rollback()
            flash(f"This form was already sent: the agreement is recorded as {exc.agreement.reference}.", "info")
            return redirect(url_for("partnerships.show", agreement_id=exc.agreement.id))
        else:
            db.session.commit()
            flash(f"Agreement {agreement.reference} is recorded.", "success")
            return redirect(url_for("partnerships.show", agreement_id=agreement.id))
    status = 400 if request.method == "POST" else 200
    return render_template("partnerships/agreement_form.html", form=form, agreement=None, partners=partners), status


@bp.get("/<int:agreement_id>")
@staff_required
def show(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    today = local_today()
    return render_template("partnerships/agreement.html", agreement=agreement, today=today,
                           status=agreement.status_on(today), days_left=lifecycle.days_left(agreement.ends_on, today),
                           changes=history.changes_for_agreement(agreement.id), action_form=ActionForm())


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    partners = all_partners()
    form = AgreementForm(obj=agreement)
    form.set_party_choices(partners)
    if request.method == "GET":
        form.show_parties(agreement)
    if form.validate_on_submit():
        try:
            changed = update_agreement(agreement, form.terms(), _actor(), local_today())
        except AgreementInvalid as exc:
            db.session.rollback()
            form.attach_problems(exc.problems)
        else:
            db.session.commit()
            flash(f"Agreement {agreement.reference} is saved." if changed else "Nothing was changed.",
                  "success" if changed else "info")
            return redirect(url_for("partnerships.show", agreement_id=agreement.id))
    status = 400 if request.method == "POST" else 200
    return render_template("partnerships/agreement_form.html", form=form, agreement=agreement,
                           partners=partners), status


@bp.route("/<int:agreement_id>/notice", methods=["GET", "POST"])
@staff_required
def notice(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    form = NoticeForm()
    if form.validate_on_submit():
        try:
            record_notice(agreement, form.notice_received_on.data, form.given_by.data, _actor(), local_today())
        except AgreementInvalid as exc:
            db.session.rollback()
            form.attach_problems(exc.problems)
        else:
            db.session.commit()
            flash(f"Notice is recorded: {agreement.reference} ends on {agreement.ends_on:%B %-d, %Y}.", "success")
            return redirect(url_for("partnerships.show", agreement_id=agreement.id))
    status = 400 if request.method == "POST" else 200
    return render_template("partnerships/notice_form.html", form=form, agreement=agreement), status


@bp.post("/<int:agreement_id>/notice/withdraw")
@staff_required
def withdraw(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    if not ActionForm().validate_on_submit():
        abort(400, "This form has expired. Go back, reload the page and try again.")
    try:
        withdraw_notice(agreement, _actor(), local_today())
    except AgreementInvalid as exc:
        db.session.rollback()
        flash(" ".join(exc.problems.values()), "error")
        return redirect(url_for("partnerships.show", agreement_id=agreement_id))
    db.session.commit()
    flash("The notice is withdrawn; the agreement runs to the end of its term.", "success")
    return redirect(url_for("partnerships.show", agreement_id=agreement.id))


@bp.post("/<int:agreement_id>/renew")
@staff_required
def renew(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    if not ActionForm().validate_on_submit():
        abort(400, "This form has expired. Go back, reload the page and try again.")
    try:
        renewal = renew_agreement(agreement, _actor(), local_today())
    except AlreadyRenewed as exc:
        db.session.rollback()
        renewal = exc.renewal or agreement   # the renewal made at the same moment, once it is readable
        flash(f"{agreement.reference} is already renewed"
              + (f" by {exc.renewal.reference}." if exc.renewal else "."), "info")
        return redirect(url_for("partnerships.show", agreement_id=renewal.id))
    except AgreementInvalid as exc:
        db.session.rollback()
        flash(" ".join(exc.problems.values()), "error")
        return redirect(url_for("partnerships.show", agreement_id=agreement_id))
    db.session.commit()
    flash(f"Renewal {renewal.reference} is drafted from {agreement.reference}. Check the terms, "
          "then enter the signing date once it is signed.", "success")
    return redirect(url_for("partnerships.edit", agreement_id=renewal.id))


@bp.get("/<int:agreement_id>/document")
@staff_required
def document(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    return render_template("partnerships/document.html", agreement=agreement,
                           document=build_document(agreement, LeapParty.from_config()), item_letter=item_letter,
                           blank=BLANK)


@bp.get("/<int:agreement_id>/document.pdf")
@staff_required
def document_pdf(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    content = render_pdf(build_document(agreement, LeapParty.from_config()), agreement.updated_at)
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{agreement.reference}.pdf"'
    return response
