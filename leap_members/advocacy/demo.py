"""Demo actions for a local run or a demonstration, one or more of every type."""
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from .models import Action, ActionKind, ActionStatus, ActionTarget
from .times import local_to_utc

ZONE = "America/New_York"

LETTER = """Dear legislator,

When someone is in a mental-health crisis, the person who answers the call should be trained for it. \
Too often that is a police officer with a gun and a few hours of training, and the result is an arrest, \
an emergency-room visit or worse.

Crisis response teams of counsellors and medics, available around the clock through 911 and 988, resolve \
most of these calls safely and free officers to focus on crime. I ask you to fund them in this year's budget.

Thank you for your attention."""

DEMO_ACTIONS: list[dict[str, Any]] = [
    dict(slug="treat-addiction-as-health", kind=ActionKind.PETITION, goal=500,
         title="Treat addiction as a health issue, not a crime",
         summary="Ask state leaders to send people who use drugs to treatment and harm-reduction services "
                 "instead of jail.",
         description="Arresting people for drug use has not reduced addiction or overdose deaths. Police, "
                     "judges and prosecutors in LEAP have seen it first-hand. Sign to ask your state to fund "
                     "treatment on demand, naloxone and syringe services, and to stop jailing people for "
                     "possession."),
    dict(slug="fund-crisis-response-teams", kind=ActionKind.LETTER,
         title="Write to legislators: fund mental-health crisis response",
         summary="A short letter asking the judiciary and public-safety committee chairs to fund crisis teams.",
         description="Edit the draft so it tells your own story: officers who answered crisis calls, and "
                     "families who made them, are the voices legislators remember.",
         letter_subject="Please fund mental-health crisis response teams",
         letter_template=LETTER,
         targets=[("Sen. Jordan Ellis", "Chair, Senate Judiciary Committee", "jordan.ellis@legislature.example", None),
                  ("Rep. Casey Morgan", "Chair, House Public Safety Committee", "casey.morgan@legislature.example", None),
                  ("Office of the Governor", "Policy Director", None, "State Capitol, Room 100")]),
    dict(slug="media-training-drug-policy", kind=ActionKind.EVENT, days=12, hour=19, length=90, capacity=30,
         online=True,
         title="Training: talking to reporters about drug policy",
         summary="An online session for members who want to give interviews: framing, hard questions, "
                 "staying on message.",
         description="A LEAP communications lead and a retired police chief walk through real interviews. "
                     "Bring one question you dread being asked.",
         private_details="Join on the video call at https://meet.example.org/leap-media-training "
                         "(passcode 4417). Please join five minutes early."),
    dict(slug="baltimore-community-forum", kind=ActionKind.EVENT, days=20, hour=18, length=120, capacity=80,
         online=False, location="Enoch Pratt Free Library, 400 Cathedral St, Baltimore, MD",
         title="Community forum: police and neighbours in Baltimore",
         summary="An evening of listening between officers, residents and LEAP speakers about trust and safety.",
         description="Residents and officers sit at the same tables. LEAP speakers share what has worked "
                     "elsewhere: procedural-justice training and community policing.",
         private_details="Use the Cathedral Street entrance; the forum is in the Wheeler Auditorium. "
                         "Ask for Dana at the LEAP table."),
    dict(slug="civics-class-speakers", kind=ActionKind.SPEAKING,
         title="Speakers for high-school civics classes",
         summary="Teachers ask for members who can speak for 45 minutes about a career in criminal justice.",
         description="Tell us when you are free and what you can talk about. Staff match you with a school "
                     "near you and confirm the details."),
    dict(slug="testify-sentencing-reform", kind=ActionKind.SPEAKING, close_days=14,
         allowed_categories="le_current,le_former", verified_only=True,
         title="Testify at the state hearing on sentencing reform",
         summary="The judiciary committee invites testimony from law-enforcement professionals.",
         description="Two to three minutes of spoken testimony, with a written version. Staff help you "
                     "prepare. Open to verified current and former law enforcement."),
    dict(slug="end-cash-bail-low-level", kind=ActionKind.PETITION, goal=1000, status=ActionStatus.DRAFT,
         title="End cash bail for low-level offences",
         summary="Nobody should sit in jail before trial only because they cannot pay.",
         description="A draft staff are still working on."),
]


def _local(days: int, hour: int) -> datetime:
    day = (utcnow() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return local_to_utc(day, ZONE)


def seed_demo_actions() -> int:
    """Add the demo actions that are missing (matched by web address); return how many were added."""
    added = 0
    for spec in DEMO_ACTIONS:
        spec = dict(spec)
        if db.session.scalar(select(Action.id).where(Action.slug == spec["slug"])):
            continue
        targets = spec.pop("targets", [])
        days, hour, length = spec.pop("days", None), spec.pop("hour", None), spec.pop("length", None)
        close_days = spec.pop("close_days", None)
        action = Action(timezone=ZONE, status=spec.pop("status", ActionStatus.PUBLISHED), **spec)
        if days is not None:
            action.starts_at = _local(days, hour)
            action.ends_at = action.starts_at + timedelta(minutes=length)
        if close_days is not None:
            action.closes_at = _local(close_days, 17)
        if action.status == ActionStatus.PUBLISHED:
            action.published_at = utcnow()
        action.targets = [ActionTarget(position=i, name=name, title=title, email=email, office=office)
                          for i, (name, title, email, office) in enumerate(targets)]
        db.session.add(action)
        added += 1
    db.session.flush()
    return added
