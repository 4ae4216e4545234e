"""Generated members for load tests and benchmarks: realistic, varied, and inserted in bulk."""
import random
from datetime import timedelta
from typing import Callable

from sqlalchemy import func, insert, select

from ..core.timeutil import utcnow
from ..extensions import db
from ..members import search
from ..members.geography import US_STATES
from ..members.models import Member, MembershipStatus, Verification, new_session_token, phone_digits

FIRST_NAMES = ("Maria", "James", "Dana", "Marcus", "Ruth", "Carlos", "Helen", "Sam", "Alex", "Priya", "Wei",
               "Fatima", "John", "Aisha", "Patrick", "Chloé", "José", "Siobhan", "Dmitri", "Nguyễn", "Kwame",
               "Emily", "Robert", "Linda", "Michael", "Sarah", "David", "Laura", "Kevin", "Grace")
LAST_NAMES = ("Alvarez", "Okafor", "Holloway", "Bell", "Calloway", "Mendez", "Park", "Whitfield", "Rivera",
              "Shah", "O'Brien", "García", "Smith", "Johnson", "Williams", "Brown", "Jones", "Müller", "Zhang",
              "Nakamura", "Kowalski", "Dubois", "Haddad", "Larsen", "Murphy", "Petrov", "Singh", "Cohen")
AGENCIES = ("Phoenix Police Department", "Baltimore County Police", "Maryland State Police",
            "Travis County Sheriff's Office", "Albany County Court", "Cook County Public Defender",
            "U.S. Marshals Service", "Department of Corrections, Region 4", "Seattle Police Department")
ROLES = ("Officer", "Sergeant", "Detective", "Lieutenant (retired)", "Judge", "Prosecutor",
         "Public defender", "Probation officer", "Deputy sheriff", "State representative")
# A few values of the kinds that break careless CSV exports; rare, as in real data.
AWKWARD = {"last_name": ("Smith, Jr.", "O'Neil \"Buzz\"", "=HYPERLINK(\"http://x\")", "-Dash", "Łukasiewicz"),
           "organisation": ("Police Dept, Unit \"B\"", "+1 Precinct", "@Home Task Force", "Line one\nline two")}
# Addresses as people have them: many providers, many shapes, most with a number of their own.
MAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com",
                "icloud.com", "comcast.net", "protonmail.com", "example.org", "example.net")
ADDRESS_SHAPES = ("{first}.{last}{n}", "{f}{last}{n}", "{first}{l}{n}", "{first}_{last}{n}", "{last}.{first}{n}",
                  "{first}{n}", "{f}.{last}.{n}")
CATEGORY_WEIGHTS = {"citizen": 55, "le_former": 15, "le_current": 12, "cj_professional": 12, "policymaker": 6}
STATES = tuple(US_STATES)
BATCH_SIZE = 5000


def fake_address(rng: random.Random, first: str, last: str, number: int) -> str:
    """A plausible personal address; ``number`` (unique per member) keeps it unique."""
    first, last = (_ascii_word(name) or "member" for name in (first, last))
    local = rng.choice(ADDRESS_SHAPES).format(first=first, last=last, f=first[0], l=last[0], n=number)
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


def _ascii_word(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())


def fake_member_row(rng: random.Random, number: int, now) -> dict:
    """One member as a dict of column values."""
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    professional = category != "citizen"
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    organisation = rng.choice(AGENCIES) if professional and category != "policymaker" else None
    if rng.random() < 0.002:
        last = rng.choice(AWKWARD["last_name"])
    if organisation and rng.random() < 0.002:
        organisation = rng.choice(AWKWARD["organisation"])
    joined = now - timedelta(days=rng.uniform(0, 6 * 365))
    confirmed = joined + timedelta(minutes=rng.uniform(1, 600)) if rng.random() < 0.85 else None
    verification = Verification.NOT_APPLICABLE
    if professional:
        verification = rng.choices((Verification.PENDING, Verification.VERIFIED, Verification.REJECTED),
                                   weights=(30, 60, 10))[0]
    row = dict(
        email=fake_address(rng, first, last, number), password_hash=None, first_name=first, last_name=last,
        city=f"Town {rng.randint(1, 400)}", state=rng.choice(STATES), zip_code=f"{rng.randint(501, 99950):05d}",
        phone=f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}" if rng.random() < 0.4 else None,
        category=category, organisation=organisation,
        role_title=rng.choice(ROLES) if professional else None,
        years_of_service=rng.randint(1, 40) if professional and category != "policymaker" else None,
        affiliation_private=category == "le_current" and rng.random() < 0.3,
        email_updates=rng.random() < 0.6, email_confirmed_at=confirmed, pending_email=None,
        verification=verification,
        verified_at=confirmed + timedelta(days=2) if verification == Verification.VERIFIED and confirmed else None,
        role="member",
        status=rng.choices((MembershipStatus.ACTIVE, MembershipStatus.LAPSED, MembershipStatus.SUSPENDED),
                           weights=(88, 11, 1))[0],
        session_token=new_session_token(), created_at=joined, updated_at=joined, last_login_at=None,
    )
    # A bulk insert passes by Member's validator, which keeps the digits on every other write.
    row["phone_digits"] = phone_digits(row["phone"])
    return row


def generate_members(n: int, seed: int | None = None, batch_size: int = BATCH_SIZE,
                     progress: Callable[[int], None] | None = None) -> int:
    """Insert ``n`` generated members in bulk (the caller commits); returns how many were added."""
    rng = random.Random(seed)  # nosec B311: test data, not secrets
    # Numbers after the highest id keep addresses unique, so the command can be repeated.
    start = (db.session.scalar(select(func.max(Member.id))) or 0) + 1
    now = utcnow()
    added = 0
    with search.bulk_insert():
        while added < n:
            size = min(batch_size, n - added)
            rows = [fake_member_row(rng, start + added + i, now) for i in range(size)]
            # render_nulls keeps every row's column list the same, so each batch is one executemany.
            db.session.execute(insert(Member).execution_options(render_nulls=True), rows)
            added += size
            if progress:
                progress(size)
    return added
