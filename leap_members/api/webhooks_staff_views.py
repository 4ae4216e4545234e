"""Webhook pages of the staff console, for admins: register, look at deliveries, pause, renew, delete."""
from flask import flash, redirect, render_template, url_for

from ..admin.views import found_or_404
from ..core.access import admin_required
from ..extensions import db
from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .staff_forms import ConfirmForm, EndpointForm
from .staff_views import console
from .webhooks import (
    EndpointRefused,
    all_endpoints,
    delete_endpoint,
    recent_deliveries,
    redeliver,
    register_endpoint,
    renew_secret,
    set_paused,
    waiting_and_failed,
)
from .webhooks_delivery import SIGNATURE_HEADER


@console.get("/webhooks")
@admin_required
def webhooks():
    return render_template("api/webhooks.html", endpoints=all_endpoints(), counts=waiting_and_failed(),
                           labels=WebhookEvent.LABELS)


@console.route("/webhooks/new", methods=["GET", "POST"])
@admin_required
def webhook_new():
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            endpoint, secret = register_endpoint(form.name.data, form.url.data, form.events.data)
        except EndpointRefused as exc:
            form.url.errors.append(str(exc))
        else:
            db.session.commit()
            return _secret_page(endpoint, secret, new=True)
    return render_template("api/webhook_new.html", form=form), 400 if form.errors else 200


@console.get("/webhooks/<int:endpoint_id>")
@admin_required
def webhook(endpoint_id: int):
    endpoint = found_or_404(WebhookEndpoint, endpoint_id)
    return render_template("api/webhook.html", endpoint=endpoint, deliveries=recent_deliveries(endpoint),
                           labels=WebhookEvent.LABELS, confirm=ConfirmForm())


@console.post("/webhooks/<int:endpoint_id>/pause")
@admin_required
def webhook_pause(endpoint_id: int):
    endpoint = found_or_404(WebhookEndpoint, endpoint_id)
    if ConfirmForm().validate_on_submit():
        set_paused(endpoint, not endpoint.is_paused)
        db.session.commit()
        flash(f"“{endpoint.name}” is paused: nothing new is queued for it, and what waits stays queued."
              if endpoint.is_paused else f"“{endpoint.name}” receives records again.", "success")
    return redirect(url_for("api_console.webhook", endpoint_id=endpoint.id))


@console.post("/webhooks/<int:endpoint_id>/secret")
@admin_required
def webhook_secret(endpoint_id: int):
    endpoint = found_or_404(WebhookEndpoint, endpoint_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("api_console.webhook", endpoint_id=endpoint.id))
    secret = renew_secret(endpoint)
    db.session.commit()
    return _secret_page(endpoint, secret, new=False)


@console.route("/webhooks/<int:endpoint_id>/delete", methods=["GET", "POST"])
@admin_required
def webhook_delete(endpoint_id: int):
    endpoint = found_or_404(WebhookEndpoint, endpoint_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = endpoint.name
        delete_endpoint(endpoint)
        db.session.commit()
        flash(f"The webhook “{name}” is deleted, with its deliveries.", "success")
        return redirect(url_for("api_console.webhooks"))
    return render_template("api/webhook_delete.html", endpoint=endpoint, form=form), \
        400 if form.is_submitted() else 200


@console.post("/webhooks/deliveries/<int:delivery_id>/retry")
@admin_required
def delivery_retry(delivery_id: int):
    delivery = found_or_404(WebhookDelivery, delivery_id)
    if ConfirmForm().validate_on_submit():
        if redeliver(delivery):
            db.session.commit()
            flash(f"Delivery {delivery.id} is queued again.", "success")
        else:
            flash(f"Delivery {delivery.id} has not failed: nothing to send again.", "info")
    return redirect(url_for("api_console.webhook", endpoint_id=delivery.endpoint_id))


def _secret_page(endpoint: WebhookEndpoint, secret: str, *, new: bool):
    """The secret, once, in the answer to the POST that made it (see staff_views.py)."""
    return render_template("api/webhook_secret.html", endpoint=endpoint, secret=secret, new=new,
                           header=SIGNATURE_HEADER, labels=WebhookEvent.LABELS)
