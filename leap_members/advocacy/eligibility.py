"""Who may see an action and who may take part, with the reason given to those who may not."""
from ..members.categories import category_label
from ..members.models import Member, Verification
from .models import Action, ActionSignup, ActionStatus

MEMBER_VISIBLE = frozenset({ActionStatus.PUBLISHED, ActionStatus.CLOSED})


def visible_to_member(action: Action, signup: ActionSignup | None = None) -> bool:
    """Members see published and closed actions, and archived ones they took part in."""
    return action.status in MEMBER_VISIBLE or (action.status == ActionStatus.ARCHIVED and signup is not None)


def visible_to_visitor(action: Action) -> bool:
    """A visitor with the link sees the title and public summary of a live action."""
    return action.status in MEMBER_VISIBLE


def restriction_text(action: Action) -> str | None:
    """Who the action is open to, in words, or None when it is open to every member."""
    who = " or ".join(category_label(code).lower() for code in action.category_codes) or None
    if action.verified_only:
        who = f"verified {who or 'professional'}"
    return f"Open to {who} members only." if who else None


def ineligibility_reason(action: Action, member: Member) -> str | None:
    """Why ``member`` may not take part in ``action``, or None if they may."""
    codes = action.category_codes
    if codes and member.category not in codes:
        allowed = ", ".join(category_label(code) for code in codes)
        return (f"This action is open only to members in these categories: {allowed}. "
                f"Your profile says you are: {category_label(member.category)}.")
    if action.verified_only and member.verification != Verification.VERIFIED:
        base = "This action is open only to members whose professional background LEAP staff have verified."
        if member.verification == Verification.PENDING:
            return base + " Your verification is still waiting for staff review."
        if member.verification == Verification.REJECTED:
            return base + " Staff could not verify your professional background; contact them if this is wrong."
        return base + " Your profile has no professional background to verify."
    return None
