"""Staff pages: write and publish actions, see and manage who signed up, export the list."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.access import staff_required
from ..core.csvsafe import csv_response
from ..extensions import db
from . import bp
from .checkin_queries import attendance_counts, event_guests
from .forms import ButtonForm
from .models import Action, ActionSignup, ActionStatus, SignupStatus
from .pages import action_page
from .services import status_counts
from .staff_forms import ActionForm, DecisionForm
from .staff_services import (
    EXPORT_HEADER,
    ActionRefused,
    action_signups,
    archive,
    close,
    create_action,
    decide_offer,
    export_rows,
    promote,
    publish,
    remove,
    staff_action_list,
    update_action,
)


def _action_or_404(action_id: int) -> Action:
    return db.session.get(Action, action_id) or abort(404)


@bp.get("/staff/actions")
@staff_required
def staff_index():
    status = request.args.get("status") if request.args.get("status") in ActionStatus.LABELS else None
    return render_template("advocacy/staff/index.html", rows=staff_action_list(status), status=status,
                           statuses=ActionStatus.LABELS)


@bp.route("/staff/actions/new", methods=["GET", "POST"])
@staff_required
def staff_new():
    form = ActionForm()
    if form.validate_on_submit():
        try:
            action = create_action(form.action_fields(), form.parsed_targets, current_user)
        except ActionRefused as exc:
            db.session.rollback()
            _show_refusal(form, exc)
        else:
            db.session.commit()
            flash("Saved as a draft. Preview it, then publish it when it is ready.", "success")
            return redirect(url_for("advocacy.staff_signups", action_id=action.id), 303)
    return render_template("advocacy/staff/form.html", form=form, action=None), 400 if form.errors else 200


@bp.route("/staff/actions/<int:action_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit(action_id: int):
    action = _action_or_404(action_id)
    form = ActionForm()
    if request.method == "GET":
        form.load(action)
    elif form.validate_on_submit():
        try:
            update_action(action, form.action_fields(), form.parsed_targets)
        except ActionRefused as exc:
            db.session.rollback()
            _show_refusal(form, exc)
        else:
            db.session.commit()
            flash("Your changes are saved.", "success")
            return redirect(url_for("advocacy.staff_signups", action_id=action.id), 303)
    return render_template("advocacy/staff/form.html", form=form, action=action), 400 if form.errors else 200


@bp.get("/staff/actions/<int:action_id>/preview")
@staff_required
def staff_preview(action_id: int):
    """The member page as it will look, whatever the status; its form does nothing."""
    action = _action_or_404(action_id)
    return render_template("advocacy/action.html", **action_page(action, current_user, preview=True))


@bp.post("/staff/actions/<int:action_id>/publish")
@staff_required
def staff_publish(action_id: int):
    return _change_status(action_id, publish, "Published: members can see it now.")


@bp.post("/staff/actions/<int:action_id>/close")
@staff_required
def staff_close(action_id: int):
    return _change_status(action_id, close, "Closed: it takes no more sign-ups.")


@bp.post("/staff/actions/<int:action_id>/archive")
@staff_required
def staff_archive(action_id: int):
    return _change_status(action_id, archive, "Archived: members no longer see it in the list.")


def _change_status(action_id: int, change, message: str):
    return _press_button(action_id, change, _action_or_404(action_id), lambda: message)


def _press_button(action_id: int, change, target, success_message):
    """Apply ``change`` to ``target`` for a staff button, then go back to the action's sign-ups."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        change(target)
    except ActionRefused as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(success_message(), "success")
    return redirect(url_for("advocacy.staff_signups", action_id=action_id), 303)


@bp.get("/staff/actions/<int:action_id>")
@staff_required
def staff_signups(action_id: int):
    action = _action_or_404(action_id)
    return render_template("advocacy/staff/signups.html", action=action, signups=action_signups(action.id),
                           counts=status_counts(action.id), labels=SignupStatus.LABELS,
                           attendance=attendance_counts(action.id) if action.is_event else None,
                           guests=event_guests(action.id) if action.is_event else [],
                           button_form=ButtonForm(), decision_form=DecisionForm())


@bp.get("/staff/actions/<int:action_id>/signups.csv")
@staff_required
def staff_export(action_id: int):
    action = _action_or_404(action_id)
    return csv_response(f"signups-{action.slug}.csv", EXPORT_HEADER, export_rows(action.id))


def _signup_or_404(action_id: int, signup_id: int) -> ActionSignup:
    signup = db.session.get(ActionSignup, signup_id)
    if signup is None or signup.action_id != action_id:
        abort(404)
    return signup


@bp.post("/staff/actions/<int:action_id>/signups/<int:signup_id>/promote")
@staff_required
def staff_promote(action_id: int, signup_id: int):
    """Give someone on the waiting list a seat now."""
    return _change_event_list(action_id, signup_id, promote, "{name} now has a seat.")


@bp.post("/staff/actions/<int:action_id>/signups/<int:signup_id>/remove")
@staff_required
def staff_remove(action_id: int, signup_id: int):
    """Take someone off the event's list (seated or waiting)."""
    return _change_event_list(action_id, signup_id, remove, "{name} is off the list.")


def _change_event_list(action_id: int, signup_id: int, change, message: str):
    signup = _signup_or_404(action_id, signup_id)
    return _press_button(action_id, change, signup, lambda: message.format(name=signup.member.full_name))


@bp.post("/staff/actions/<int:action_id>/signups/<int:signup_id>/decide")
@staff_required
def staff_decide(action_id: int, signup_id: int):
    """Accept or decline an offer to speak or volunteer."""
    signup = _signup_or_404(action_id, signup_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(" ".join(form.note.errors) or "The decision could not be saved; try again.", "error")
        return redirect(url_for("advocacy.staff_signups", action_id=action_id), 303)
    try:
        decide_offer(signup, accept=bool(form.accept.data), note=form.note.data)
    except ActionRefused as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"{signup.member.full_name} will be told: {signup.status_label.lower()}.", "success")
    return redirect(url_for("advocacy.staff_signups", action_id=action_id), 303)


def _show_refusal(form, refusal: ActionRefused) -> None:
    """A refused change, beside the field it concerns or at the top of the form."""
    (getattr(form, refusal.field).errors if refusal.field else form.form_errors).append(refusal.message)
