"""The public side of giving: the donate page, Checkout's return pages, receipts, fixing a card."""
from flask import abort, current_app, redirect, render_template
from flask_login import current_user

from ..core.links import public_link
from ..core.ratelimit import post_limit
from ..core.tokens import TokenError, read_token
from ..extensions import db
from ..members.login import current_member
from . import bp, stripe_client
from .amounts import fee_to_cover
from .checkout import (
    GiftChoice,
    active_funds,
    donation_by_token,
    open_checkout,
    record_checkout_failure,
    start_gift,
    submission_key,
)
from .forms import ButtonForm, DonateForm, new_form_nonce
from .models import RecurringGift
from .receipts import FIX_CARD_PURPOSE, org_facts
from .settings import stripe_configured


def _member():
    return current_member() if current_user.is_authenticated else None


def _choice(form: DonateForm) -> GiftChoice:
    if form.amount_cents is None:
        raise ValueError("the donate form must be validated first: validation sets the amount")
    return GiftChoice(amount_cents=form.amount_cents, kind=form.frequency.data, cover_fee=form.cover_fee.data,
                      fund_id=form.fund_id, first_name=form.first_name.data, last_name=form.last_name.data,
                      email=form.email.data, anonymous=form.anonymous.data,
                      tribute_type=form.tribute_type.data or None, tribute_name=form.tribute_name.data or None,
                      tribute_notify_email=form.tribute_notify_email.data or None)


def _render_donate(form: DonateForm, status: int = 200, problem: str | None = None):
    presets = current_app.config["DONATION_PRESET_CENTS"]
    fees = {str(cents): fee_to_cover(cents) for cents in presets}
    return render_template("donations/donate.html", form=form, problem=problem, fees=fees,
                           configured=stripe_configured()), status


@bp.route("/donate", methods=["GET", "POST"])
@post_limit("RATELIMIT_DONATE")
def donate():
    member = _member()
    form = DonateForm(funds=active_funds())
    if not form.is_submitted():
        presets = current_app.config["DONATION_PRESET_CENTS"]
        form.amount_choice.data = str(presets[min(1, len(presets) - 1)]) if presets else "other"
        if member is not None:
            form.first_name.data, form.last_name.data, form.email.data = (
                member.first_name, member.last_name, member.email)
        return _render_donate(form)
    if not stripe_configured():
        # Giving is switched off, not broken: show the notice, record nothing.
        return _render_donate(form)
    if not form.validate():
        return _render_donate(form, 400)
    donation = start_gift(_choice(form), member, submission_key(_choice(form), form.nonce.data,
                                                                member.id if member else None))
    db.session.commit()   # the pending gift exists before Stripe is asked for anything
    try:
        url = open_checkout(donation, member)
    except stripe_client.StripeUnavailable as exc:
        db.session.rollback()
        record_checkout_failure(donation, exc.message)
        db.session.commit()
        form.nonce.data = new_form_nonce()   # trying again is a new submission
        return _render_donate(form, 503, problem=exc.message)
    db.session.commit()
    return redirect(url, code=303)


@bp.get("/donate/thank-you/<token>")
def thanks(token: str):
    """Shows the gift as we have recorded it; the URL Stripe returns to carries nothing we trust."""
    donation = donation_by_token(token) or abort(404)
    return render_template("donations/thanks.html", donation=donation)


@bp.get("/donate/cancelled/<token>")
def cancelled(token: str):
    donation = donation_by_token(token) or abort(404)
    return render_template("donations/cancelled.html", donation=donation)


@bp.get("/donate/receipt/<token>")
def receipt(token: str):
    """A printable receipt; the unguessable link is in the donor's receipt e-mail."""
    donation = donation_by_token(token) or abort(404)
    if donation.receipt_number is None:
        abort(404, "There is no receipt for this gift: it has not been paid.")
    return render_template("donations/receipt.html", donation=donation, org=org_facts())


def _gift_from_fix_link(token: str) -> tuple[RecurringGift, str]:
    """The monthly gift a card-fix link is for, and its Stripe customer (404 when it has none)."""
    max_age = current_app.config["DONATION_FIX_CARD_LINK_DAYS"] * 86400
    try:
        data = read_token(FIX_CARD_PURPOSE, token, max_age)
    except TokenError as exc:
        abort(400, "This link has expired. Please use the link in our most recent e-mail, or contact us."
              if exc.expired else "This link is not valid.")
    gift = db.session.get(RecurringGift, data.get("id"))
    if gift is None or gift.stripe_subscription_id != data.get("sub") or gift.stripe_customer_id is None:
        abort(404)   # a monthly gift without a Stripe customer has no card to fix
    return gift, gift.stripe_customer_id


@bp.route("/donate/fix-card/<token>", methods=["GET", "POST"])
def fix_card(token: str):
    """From the failed-payment e-mail to Stripe's card form; GET only shows a button."""
    gift, customer_id = _gift_from_fix_link(token)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            url = stripe_client.create_portal_session(customer_id, public_link("public.home"),
                                                      update_card=True)
        except stripe_client.StripeUnavailable as exc:
            return render_template("donations/fix_card.html", gift=gift, form=form, problem=exc.message), 503
        return redirect(url, code=303)
    return render_template("donations/fix_card.html", gift=gift, form=form, problem=None)
