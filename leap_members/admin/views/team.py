"""Managing staff: admins give and take away staff roles; every change is in the audit log."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ...core.access import admin_required
from ...extensions import db
from ...members.services import find_by_email
from .. import bp
from ..forms import PromoteForm
from ..records import ROLE_LABELS, ChangeRefused, change_role, staff_team


@bp.route("/team", methods=["GET", "POST"])
@admin_required
def team():
    form = PromoteForm()
    if form.validate_on_submit():
        member = find_by_email(form.email.data)
        if member is None:
            form.email.errors.append("No member has this e-mail address. They need to join first.")
        else:
            try:
                change_role(member, form.role.data, current_user)
            except ChangeRefused as exc:
                db.session.rollback()
                form.email.errors.append(str(exc))
            else:
                db.session.commit()
                flash(f"{member.full_name} is now {form.role.data}.", "success")
                return redirect(url_for("admin.team"))
    return render_template("admin/team.html", form=form, team=staff_team(),
                           role_labels=ROLE_LABELS), 400 if form.errors else 200
