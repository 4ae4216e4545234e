"""What an action's page shows: its counts and the state of one member's sign-up."""
from sqlalchemy import select

from ..extensions import db
from ..members.models import Member
from .checkin import may_check_in
from .eligibility import ineligibility_reason, restriction_text
from .forms import ButtonForm, signup_form_for
from .models import Action, ActionKind, ActionSignup, SignupStatus
from .services import signup_for, status_counts, waitlist_position
from .times import format_local, format_range


def recent_comments(action_id: int, limit: int = 10) -> list[tuple[str, str, str]]:
    """(first name, state, comment) of the latest petition comments."""
    rows = db.session.execute(
        select(Member.first_name, Member.state, ActionSignup.comment)
        .join(Member, Member.id == ActionSignup.member_id)
        .where(ActionSignup.action_id == action_id, ActionSignup.status == SignupStatus.SIGNED,
               ActionSignup.comment.is_not(None), Member.email_confirmed_at.is_not(None))
        .order_by(ActionSignup.created_at.desc(), ActionSignup.id.desc()).limit(limit))
    return [(first_name, state or "", comment or "") for first_name, state, comment in rows]


def action_page(action: Action, member: Member | None, form=None, problem: str | None = None,
                preview: bool = False) -> dict:
    """Everything the action page template needs for this member (or a staff preview)."""
    signup = signup_for(action.id, member.id) if member is not None and not preview else None
    reason = ineligibility_reason(action, member) if member is not None and not preview else None
    # Taking part already, or staff have answered for good (declined the offer, removed from the list).
    settled = signup is not None and (signup.is_active or signup.status in (SignupStatus.DECLINED,
                                                                            SignupStatus.REMOVED))
    can_sign_up = action.accepts_signups() and reason is None and not settled and not preview
    context = {
        "action": action, "signup": signup, "reason": reason, "problem": problem, "preview": preview,
        "restriction": restriction_text(action), "is_open": action.accepts_signups(),
        "form": (form or signup_form_for(action)) if (can_sign_up or preview) else None,
        "button_form": ButtonForm(),
        "deadline_text": format_local(action.signup_deadline, action.timezone) if action.signup_deadline else "",
    }
    if action.kind == ActionKind.PETITION:
        count = action.taking_part  # a petition's counted sign-ups are its signatures
        context.update(signatures=count, percent=min(100, round(100 * count / action.goal)) if action.goal else 0,
                       comments=recent_comments(action.id))
    elif action.kind == ActionKind.LETTER:
        context.update(letters_sent=status_counts(action.id).get(SignupStatus.SENT, 0))
    elif action.kind == ActionKind.EVENT:
        counts = status_counts(action.id)
        registered = counts.get(SignupStatus.REGISTERED, 0)
        context.update(
            registered=registered, waitlisted=counts.get(SignupStatus.WAITLISTED, 0),
            seats_left=None if action.capacity is None else max(0, action.capacity - registered),
            when_text=format_range(action.starts_at, action.ends_at, action.timezone),
            position=waitlist_position(signup) if signup else None,
            show_details=preview or (signup is not None and signup.status == SignupStatus.REGISTERED),
            can_check_in=member is not None and not preview and may_check_in(action, member),
            can_leave=signup is not None and signup.status in (SignupStatus.REGISTERED, SignupStatus.WAITLISTED)
            and not action.has_started())
    elif action.kind == ActionKind.SPEAKING:
        context.update(can_withdraw=signup is not None and signup.status in (SignupStatus.OFFERED,
                                                                               SignupStatus.ACCEPTED))
    return context
