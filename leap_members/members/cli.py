"""CLI: create the first admin, load demo data."""
import secrets

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..core.passwords import hash_password, password_problem
from ..core.timeutil import utcnow
from ..extensions import db
from ..public.services import seed_default_timeline
from .forms import normalise_email
from .models import Member, Role, Verification

DEMO_MEMBERS = [
    # first, last, category, city, state, zip, organisation, role, years, verified
    ("Maria", "Alvarez", "le_current", "Phoenix", "AZ", "85004", "Phoenix Police Department", "Sergeant", 14, True),
    ("James", "Okafor", "le_current", "Baltimore", "MD", "21202", "Baltimore County Police", "Detective", 9, False),
    ("Dana", "Holloway", "le_former", "Long Beach", "CA", "90802", "Long Beach Police Department", "Lieutenant (retired)", 21, True),
    ("Marcus", "Bell", "le_former", "Annapolis", "MD", "21401", "Maryland State Police", "Major (retired)", 34, False),
    ("Ruth", "Calloway", "cj_professional", "Albany", "NY", "12207", "Albany County Court", "Judge", 18, True),
    ("Carlos", "Mendez", "cj_professional", "Austin", "TX", "78701", "Travis County Public Defender", "Public defender", 7, False),
    ("Helen", "Park", "policymaker", "Denver", "CO", "80203", None, "State representative", None, False),
    ("Sam", "Whitfield", "policymaker", "Hartford", "CT", "06106", None, "Legislative aide", None, True),
    ("Alex", "Rivera", "citizen", "Chicago", "IL", "60601", None, None, None, False),
    ("Priya", "Shah", "citizen", "Seattle", "WA", "98101", None, None, None, False),
]
DEMO_PASSWORD = "demo member password"
DEMO_STAFF_EMAIL = "staff@leap.example"


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--first-name", prompt=True)
@click.option("--last-name", prompt=True)
@click.password_option()
@with_appcontext
def create_admin_command(email: str, first_name: str, last_name: str, password: str) -> None:
    """Create an admin account, or promote an existing member to admin."""
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    email = normalise_email(email)
    member = db.session.scalar(select(Member).where(Member.email == email))
    if member is None:
        member = _staff_member(email, first_name, last_name, password)
        db.session.add(member)
    member.role = Role.ADMIN
    db.session.commit()
    click.echo(f"{email} is an admin.")


def _staff_member(email: str, first_name: str, last_name: str, password: str) -> Member:
    return Member(email=email, password_hash=hash_password(password), first_name=first_name,
                  last_name=last_name, city="Medford", state="MA", zip_code="02155", category="citizen",
                  email_confirmed_at=utcnow(), verification=Verification.NOT_APPLICABLE)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load demo members of every category and a staff account (idempotent)."""
    seed_default_timeline()
    added = 0
    for first, last, category, city, state, zip_code, org, role, years, verified in DEMO_MEMBERS:
        email = f"{first}.{last}@example.org".lower()
        if db.session.scalar(select(Member.id).where(Member.email == email)):
            continue
        professional = category != "citizen"
        db.session.add(Member(
            email=email, password_hash=hash_password(DEMO_PASSWORD), first_name=first, last_name=last,
            city=city, state=state, zip_code=zip_code, category=category, organisation=org,
            role_title=role, years_of_service=years, email_confirmed_at=utcnow(), email_updates=True,
            affiliation_private=category == "le_current" and not verified,
            verification=(Verification.VERIFIED if verified else Verification.PENDING) if professional
            else Verification.NOT_APPLICABLE,
            verified_at=utcnow() if verified else None))
        added += 1
    # A fresh password on every run, so the one printed last always works.
    staff_password = "staff-" + secrets.token_urlsafe(12)
    staff = db.session.scalar(select(Member).where(Member.email == DEMO_STAFF_EMAIL))
    if staff is None:
        staff = _staff_member(DEMO_STAFF_EMAIL, "Demo", "Staff", staff_password)
        db.session.add(staff)
    staff.password_hash = hash_password(staff_password)
    staff.role = Role.ADMIN
    db.session.commit()
    click.echo(f"Demo data: {added} members added; each logs in with the password '{DEMO_PASSWORD}'"
               " (e.g. maria.alvarez@example.org).")
    click.echo(f"Staff (admin) account: {DEMO_STAFF_EMAIL} / {staff_password}")
