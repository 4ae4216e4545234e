"""E-mails about sign-ups, written to the outbox in the caller's transaction."""
from ..core.links import public_link
from ..mail.services import queue_email
from ..outreach.audience import member_may_get
from .models import Action, ActionSignup, SignupStatus
from .times import format_range


def action_url(action: Action) -> str:
    """The action's full address on the public site."""
    return public_link("advocacy.action", slug=action.slug)


def _context(signup: ActionSignup) -> dict:
    action = signup.action
    return {"member": signup.member, "action": action, "signup": signup, "link": action_url(action),
            "when": format_range(action.starts_at, action.ends_at, action.timezone) if action.is_event else ""}


SUBJECTS = {
    SignupStatus.SIGNED: "You signed: {title}",
    SignupStatus.SENT: "Your letter was sent: {title}",
    SignupStatus.REGISTERED: "You are registered: {title}",
    SignupStatus.WAITLISTED: "You are on the waiting list: {title}",
    SignupStatus.OFFERED: "Thank you for your offer: {title}",
}


def send_signup_confirmation(signup: ActionSignup) -> None:
    """Tell the member what they signed up for and what happens next."""
    subject = SUBJECTS[signup.status].format(title=signup.action.title)
    queue_email(signup.member.email, subject, f"advocacy_{signup.action.kind}_confirmation",
                kind="action-signup", **_context(signup))


def send_letters(signup: ActionSignup) -> int:
    """Queue the member's letter to every target with an e-mail address; return how many."""
    queued = 0
    for target in signup.action.targets:
        if not target.email:
            continue
        message = queue_email(target.email, signup.letter_subject or signup.action.letter_subject or signup.action.title,
                              "advocacy_letter_to_official",
                              kind="action-letter", dedupe_key=f"action-letter:{signup.id}:{target.id}",
                              target=target, **_context(signup))
        if message is not None:
            # Replies go to the member who wrote, not to LEAP.
            message.reply_to = signup.member.email
            queued += 1
    return queued


def send_promotion(signup: ActionSignup) -> None:
    queue_email(signup.member.email, f"A place opened up: {signup.action.title}", "advocacy_event_promoted",
                kind="action-promoted", **_context(signup))


def send_removal(signup: ActionSignup) -> None:
    queue_email(signup.member.email, f"Your place was cancelled: {signup.action.title}",
                "advocacy_event_removed", kind="action-removed", **_context(signup))


def send_offer_decision(signup: ActionSignup) -> None:
    word = "accepted" if signup.status == SignupStatus.ACCEPTED else "not taken up this time"
    queue_email(signup.member.email, f"Your offer was {word}: {signup.action.title}",
                "advocacy_offer_decision", kind="action-decision", **_context(signup))


def send_event_reminder(signup: ActionSignup) -> bool:
    """A reminder follows the bulk-mail rules: none to a member who stopped LEAP's e-mail or whose
    address bounces. False if none was queued."""
    action = signup.action
    if not member_may_get(signup.member):
        return False
    queue_email(signup.member.email, f"Reminder: {action.title}", "advocacy_event_reminder",
                kind="action-reminder", dedupe_key=f"action-reminder:{signup.id}:{action.starts_at:%Y%m%d%H%M}",
                transactional=False, **_context(signup))
    return True


def send_event_change(signup: ActionSignup) -> None:
    queue_email(signup.member.email, f"Changed time or place: {signup.action.title}", "advocacy_event_changed",
                kind="action-changed", **_context(signup))

