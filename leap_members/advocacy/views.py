"""The member pages of the action centre: the list, an action, signing up, leaving, my actions."""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.access import checks_its_own_access, member_required
from ..core.ratelimit import post_limit
from ..extensions import db
from ..members.login import current_member
from . import bp
from .calendar import event_ics
from .eligibility import restriction_text, visible_to_member, visible_to_visitor
from .forms import ButtonForm, signup_form_for
from .listing import SORTS, TAKEN_CHOICES, member_action_list
from .models import Action, ActionKind, SignupStatus
from .notifications import action_url
from .pages import action_page
from .services import (
    SIGNUP_FIELDS,
    AlreadySignedUp,
    SignupError,
    find_action,
    member_signups,
    sign_up,
    signup_for,
    waitlist_position,
    withdraw,
)

SIGNED_UP = {
    SignupStatus.SIGNED: "Thank you: your signature is counted.",
    SignupStatus.SENT: "Thank you: your letter is on its way.",
    SignupStatus.REGISTERED: "You are registered. The details are below, and we e-mailed you a confirmation.",
    SignupStatus.WAITLISTED: "The event is full, so you are on the waiting list. We will e-mail you if a place opens up.",
    SignupStatus.OFFERED: "Thank you for your offer. Staff will reply, and you will see their answer here.",
}


def _member_action_or_404(slug: str):
    """The action if this member may see it: drafts and unknown slugs are simply not found."""
    action = find_action(slug)
    if action is None:
        abort(404)
    if not visible_to_member(action, signup_for(action.id, current_user.id)):
        abort(404)
    return action


@bp.get("/actions")
@member_required
def index():
    kind = request.args.get("kind") if request.args.get("kind") in ActionKind.LABELS else None
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "newest"
    taken = request.args.get("taken") if request.args.get("taken") in TAKEN_CHOICES else ""
    return render_template("advocacy/index.html", listed=member_action_list(current_user.id, kind, sort, taken),
                           kind=kind, sort=sort, taken=taken, kinds={"": "All types"} | ActionKind.LABELS, sorts=SORTS,
                           taken_choices=TAKEN_CHOICES)


@bp.get("/actions/<int:action_id>")
@checks_its_own_access("public (redirect only)")
def action_by_id(action_id: int):
    """Old or shared links by number lead to the action's named address."""
    action = db.session.get(Action, action_id)
    if action is None or not visible_to_visitor(action):
        abort(404)  # never reveal a draft's address
    # Not 301: staff may change the address, and browsers keep permanent redirects.
    return redirect(url_for("advocacy.action", slug=action.slug))


@bp.get("/actions/<slug>")
@checks_its_own_access("member (visitors see a public summary)")
def action(slug: str):
    """Members see the whole action; a visitor with the link sees its title and public summary."""
    if not current_user.is_authenticated:
        return _teaser(slug)
    return _member_action_page(slug)


def _teaser(slug: str):
    action = find_action(slug)
    if action is None or not visible_to_visitor(action):
        abort(404)
    login_url = url_for("members.login", next=url_for("advocacy.action", slug=action.slug))
    return render_template("advocacy/teaser.html", action=action, login_url=login_url,
                           restriction=restriction_text(action))


@member_required
def _member_action_page(slug: str):
    action = _member_action_or_404(slug)
    return render_template("advocacy/action.html", **action_page(action, current_user))


@bp.get("/actions/<slug>/sign-up")
@member_required
def sign_up_page(slug: str):
    """After logging in from a sign-up button, go to the action itself."""
    return redirect(url_for("advocacy.action", slug=slug))


@bp.post("/actions/<slug>/sign-up")
@member_required
@post_limit("RATELIMIT_ACTION_SIGNUP")
def sign_up_post(slug: str):
    action = _member_action_or_404(slug)
    form = signup_form_for(action)
    if not form.validate_on_submit():
        problem = form.website.errors[0] if form.website.errors else "Please correct the form below."
        return _page_with_problem(action, form, problem, 400)
    fields = {name: getattr(form, name).data for name in SIGNUP_FIELDS[action.kind]}
    try:
        signup = sign_up(action, current_member(), fields)
    except AlreadySignedUp as exc:
        db.session.rollback()
        flash(exc.message, "info")
        return redirect(url_for("advocacy.action", slug=slug), 303)
    except SignupError as exc:
        db.session.rollback()
        return _page_with_problem(action, None, exc.message, exc.status_code)
    db.session.commit()
    flash(SIGNED_UP[signup.status], "success" if signup.status != SignupStatus.WAITLISTED else "warning")
    return redirect(url_for("advocacy.action", slug=slug), 303)


@bp.post("/actions/<slug>/withdraw")
@member_required
@post_limit("RATELIMIT_ACTION_SIGNUP")
def withdraw_post(slug: str):
    action = _member_action_or_404(slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        signup = withdraw(action, current_member())
    except SignupError as exc:
        db.session.rollback()
        return _page_with_problem(action, None, exc.message, exc.status_code)
    db.session.commit()
    flash("You have left this event." if signup.status == SignupStatus.CANCELLED
          else "Your offer is withdrawn.", "success")
    return redirect(url_for("advocacy.action", slug=slug), 303)


def _page_with_problem(action, form, problem: str, status: int):
    context = action_page(action, current_user, form=form, problem=problem)
    return render_template("advocacy/action.html", **context), status


@bp.get("/actions/<slug>/calendar.ics")
@member_required
def calendar(slug: str):
    """The event as a calendar file; the meeting details only for those registered."""
    action = _member_action_or_404(slug)
    if action.kind != ActionKind.EVENT or action.starts_at is None:
        abort(404)
    signup = signup_for(action.id, current_user.id)
    registered = signup is not None and signup.status == SignupStatus.REGISTERED
    body = event_ics(action, action_url(action), request.host.split(":")[0], include_details=registered)
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{action.slug}.ics"'
    return response


@bp.get("/account/actions")
@member_required
def my_actions():
    signups = member_signups(current_user.id)
    positions = {s.id: waitlist_position(s) for s in signups if s.status == SignupStatus.WAITLISTED}
    return render_template("advocacy/my_actions.html", signups=signups, positions=positions,
                           visible=lambda s: visible_to_member(s.action, s))
