"""The API pages of the staff console, for admins: keys here, webhooks in webhooks_staff_views.py.

A new key or secret is shown once, in the answer to the POST that made it: never in a flash message
(the session cookie is signed, not encrypted, so anything put there can be read back from it), never
in a page that can be opened again. Every change is in the audit log.
"""
from flask import Blueprint, flash, redirect, render_template, url_for

from ..admin.audit import current_actor
from ..admin.views import found_or_404
from ..core.access import admin_required
from ..extensions import db
from .keys import KeyRefused, all_keys, create_key, record_created, record_revoked, revoke
from .models import ApiKey, Scope
from .staff_forms import ConfirmForm, KeyForm

console = Blueprint("api_console", __name__, url_prefix="/staff/api")


@console.route("/keys", methods=["GET", "POST"])
@admin_required
def keys():
    form = KeyForm()
    if form.validate_on_submit():
        try:
            key, token = create_key(form.name.data, form.scope.data, current_actor()[1],
                                    subscribe_new_people=form.subscribe_new_people.data)
        except KeyRefused as exc:
            form.name.errors.append(str(exc))
        else:
            record_created(key)
            db.session.commit()
            return render_template("api/key_created.html", key=key, token=token, scopes=Scope.LABELS)
    return render_template("api/keys.html", form=form, keys=all_keys(), scopes=Scope.LABELS,
                           confirm=ConfirmForm()), 400 if form.errors else 200


@console.route("/keys/<int:key_id>/revoke", methods=["GET", "POST"])
@admin_required
def key_revoke(key_id: int):
    key = found_or_404(ApiKey, key_id)
    if key.is_revoked:
        flash(f"The key “{key.name}” was revoked already.", "info")
        return redirect(url_for("api_console.keys"))
    form = ConfirmForm()
    if form.validate_on_submit():
        revoke(key, current_actor()[1])
        record_revoked(key)
        db.session.commit()
        flash(f"The key “{key.name}” is revoked: requests with it are refused from now on.", "success")
        return redirect(url_for("api_console.keys"))
    return render_template("api/key_revoke.html", key=key, form=form), 400 if form.is_submitted() else 200


from . import webhooks_staff_views  # noqa: E402,F401  (the webhook pages, on this blueprint)
