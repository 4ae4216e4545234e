"""Checking people in at an event, on a phone at the door, and the printed sign-in sheet.

Open to staff at every event and to a host at their own event (core/access.host_required); every
mark is a small form that comes back to the same row of the list.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.access import host_required
from ..core.ratelimit import post_limit
from ..core.timeutil import utcnow
from ..extensions import db
from ..members.models import Member, MembershipStatus
from . import bp
from .checkin import CheckInRefused, check_in_guest, check_in_member, mark_attendance, may_check_in, remove_guest
from .checkin_forms import MAX_FILTER, GuestForm, ListButtonForm, MarkForm, WalkInForm
from .checkin_queries import attendance_counts, attendees, blank_rows, find_walk_ins, sheet_names, waiting
from .eligibility import visible_to_visitor
from .models import Action, ActionSignup, EventGuest
from .services import find_action
from .times import format_range

WORDS = {"present": "present", "no_show": "a no-show", "undo": "not checked in yet"}


def _event_to_check_in(slug: str) -> Action:
    """The event, if the person may check people in there: 404 when it is no event (or a draft they
    cannot see), 403 when it is someone else's."""
    action = find_action(slug)
    if action is None or not action.is_event:
        abort(404)
    if not may_check_in(action, current_user):
        abort(403 if visible_to_visitor(action) else 404, "Only LEAP staff and the event's host can check people in.")
    return action


def _of_the_event(model, row_id: int, action: Action):
    """A sign-up or guest of this event, else 404 (an unknown id, or one of another event)."""
    row = db.session.get(model, row_id)
    if row is None or row.action_id != action.id:
        abort(404)
    return row


def _list_text(value: str | None) -> str:
    return " ".join((value or "").split())[:MAX_FILTER]


def _back(action: Action, text: str | None, anchor: str | None = None):
    """To the check-in list as it was (its filter), at the row just changed."""
    return redirect(url_for("advocacy.checkin", slug=action.slug, q=text or None, _anchor=anchor), 303)


@bp.get("/actions/<slug>/check-in")
@host_required
def checkin(slug: str):
    action = _event_to_check_in(slug)
    return _checkin_page(action, GuestForm(q=_list_text(request.args.get("q"))))


def _checkin_page(action: Action, guest_form: GuestForm, status: int = 200):
    text = _list_text(request.args.get("q") or guest_form.q.data)
    find = _list_text(request.args.get("find"))
    return render_template(
        "advocacy/checkin/index.html", action=action, text=text, find=find,
        attendees=attendees(action.id, text), waiting=waiting(action.id, text), counts=attendance_counts(action.id),
        found=find_walk_ins(action.id, find, current_user.is_staff) if find else None,
        when_text=format_range(action.starts_at, action.ends_at, action.timezone), guest_form=guest_form,
        mark_form=MarkForm(), walk_in_form=WalkInForm(), button_form=ListButtonForm()), status


@bp.post("/actions/<slug>/check-in/<int:signup_id>")
@host_required
def checkin_mark(slug: str, signup_id: int):
    """Present, no-show, or undo, for one person with a place."""
    action = _event_to_check_in(slug)
    signup = _of_the_event(ActionSignup, signup_id, action)
    form = MarkForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        mark_attendance(signup, form.mark.data, current_user)
    except CheckInRefused as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back(action, form.q.data)
    db.session.commit()
    flash(f"{signup.member.full_name}: {WORDS[form.mark.data]}.", "success")
    return _back(action, form.q.data, f"signup-{signup.id}")


@bp.post("/actions/<slug>/check-in/walk-in")
@host_required
def checkin_walk_in(slug: str):
    """A member at the door, found by the search box or on the waiting list."""
    action = _event_to_check_in(slug)
    form = WalkInForm()
    if not form.validate_on_submit():
        abort(400)
    member = db.session.get(Member, form.member_id.data)
    if member is None or member.status == MembershipStatus.MERGED:
        abort(404)
    walk_in = check_in_member(action, member, current_user)
    db.session.commit()
    _tell(walk_in)
    return _back(action, form.q.data, walk_in.anchor)


@bp.post("/actions/<slug>/check-in/guests")
@host_required
@post_limit("RATELIMIT_EVENT_GUEST")
def checkin_guest(slug: str):
    """Someone new at the door: recorded as a guest and invited to join (a member's address: that member)."""
    action = _event_to_check_in(slug)
    form = GuestForm()
    if not form.validate_on_submit():
        return _checkin_page(action, form, 400)
    walk_in = check_in_guest(action, form.guest_fields(), current_user)
    db.session.commit()
    _tell(walk_in)
    return _back(action, form.q.data, walk_in.anchor)


def _tell(walk_in) -> None:
    if not walk_in.added:
        flash(f"{walk_in.name} was already checked in.", "info")
    elif walk_in.member:
        flash(f"{walk_in.name} is a LEAP member: checked in as a walk-in.", "success")
    else:
        flash(f"{walk_in.name} is checked in as a guest. We e-mailed them an invitation to join LEAP.", "success")


@bp.post("/actions/<slug>/check-in/guests/<int:guest_id>/remove")
@host_required
def checkin_remove_guest(slug: str, guest_id: int):
    """Take back a guest added by mistake."""
    action = _event_to_check_in(slug)
    guest = _of_the_event(EventGuest, guest_id, action)
    form = ListButtonForm()
    if not form.validate_on_submit():
        abort(400)
    name = guest.full_name
    remove_guest(guest)
    db.session.commit()
    flash(f"{name} is no longer on the list.", "success")
    return _back(action, form.q.data)


@bp.get("/actions/<slug>/sign-in-sheet")
@host_required
def sign_in_sheet(slug: str):
    """A page to print: the names on the list, a column to sign, blank lines for walk-ins."""
    action = _event_to_check_in(slug)
    names = sheet_names(action.id)
    return render_template("advocacy/checkin/sheet.html", action=action, names=names, blank=blank_rows(len(names)),
                           when_text=format_range(action.starts_at, action.ends_at, action.timezone), now=utcnow())
