"""Staff pages for partner organisations and their contact people."""
from flask import abort, flash, redirect, render_template, request, url_for

from ..core.access import staff_required
from ..extensions import db
from ..members.login import current_member
from . import bp, history
from .clock import local_today
from .forms import ActionForm, ContactForm, PartnerForm
from .models import Partner, PartnerContact
from .queries import AgreementFilter, list_agreements, partners_with_counts
from .services import (
    CONTACT_FIELDS,
    PARTNER_FIELDS,
    PartnerNameTaken,
    add_contact,
    create_partner,
    remove_contact,
    update_partner,
)


def _actor():
    return current_member()


def _declared(form, names) -> dict:
    return {name: getattr(form, name).data for name in names}


def _partner_or_404(partner_id: int) -> Partner:
    return db.session.get(Partner, partner_id) or abort(404)


def _name_taken(form: PartnerForm, exc: PartnerNameTaken) -> None:
    db.session.rollback()
    form.name.errors = list(form.name.errors) + [
        "A partner with this name is already recorded." + (f" Open it from the partner list ({exc.existing.name})."
                                                            if exc.existing else "")]


@bp.get("/partners")
@staff_required
def partners():
    search = (request.args.get("q") or "").strip()[:200]
    return render_template("partnerships/partners.html", rows=partners_with_counts(search or None), search=search)


@bp.route("/partners/new", methods=["GET", "POST"])
@staff_required
def new_partner():
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = create_partner(_declared(form, PARTNER_FIELDS), _actor())
        except PartnerNameTaken as exc:
            _name_taken(form, exc)
        else:
            db.session.commit()
            flash(f"{partner.name} is added.", "success")
            return redirect(url_for("partnerships.partner", partner_id=partner.id))
    status = 400 if request.method == "POST" else 200
    return render_template("partnerships/partner_form.html", form=form, partner=None), status


@bp.get("/partners/<int:partner_id>")
@staff_required
def partner(partner_id: int):
    return _render_partner(_partner_or_404(partner_id), ContactForm())


def _render_partner(found: Partner, contact_form: ContactForm, status: int = 200):
    today = local_today()
    return render_template("partnerships/partner.html", partner=found, contact_form=contact_form,
                           action_form=ActionForm(), today=today,
                           agreements=list_agreements(AgreementFilter(partner_id=found.id), today),
                           changes=history.changes_for_partner(found.id)), status


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_partner(partner_id: int):
    found = _partner_or_404(partner_id)
    form = PartnerForm(obj=found)
    if request.method == "GET":
        form.state.data = found.state or ""
    if form.validate_on_submit():
        try:
            changed = update_partner(found, _declared(form, PARTNER_FIELDS), _actor())
        except PartnerNameTaken as exc:
            _name_taken(form, exc)
        else:
            db.session.commit()
            flash(f"{found.name} is saved." if changed else "Nothing was changed.", "success" if changed else "info")
            return redirect(url_for("partnerships.partner", partner_id=found.id))
    status = 400 if request.method == "POST" else 200
    return render_template("partnerships/partner_form.html", form=form, partner=found), status


@bp.post("/partners/<int:partner_id>/contacts")
@staff_required
def add_partner_contact(partner_id: int):
    found = _partner_or_404(partner_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _render_partner(found, form, 400)
    contact = add_contact(found, _declared(form, CONTACT_FIELDS), _actor())
    db.session.commit()
    flash(f"{contact.name} is added as a contact.", "success")
    return redirect(url_for("partnerships.partner", partner_id=found.id))


@bp.post("/partners/<int:partner_id>/contacts/<int:contact_id>/remove")
@staff_required
def remove_partner_contact(partner_id: int, contact_id: int):
    found = _partner_or_404(partner_id)
    contact = db.session.get(PartnerContact, contact_id)
    if contact is None or contact.partner_id != found.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400, "This form has expired. Go back, reload the page and try again.")
    name = contact.name
    remove_contact(found, contact, _actor())
    db.session.commit()
    flash(f"{name} is no longer listed as a contact.", "success")
    return redirect(url_for("partnerships.partner", partner_id=found.id))
