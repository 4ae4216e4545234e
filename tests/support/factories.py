"""Factories that build members in the database."""
import itertools

from leap_members.core.passwords import hash_password
from leap_members.core.timeutil import utcnow
from leap_members.extensions import db
from leap_members.members.models import Member, Verification

PASSWORD = "a long test password 42"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def cached_hash(password: str) -> str:
    """Hash once per test run: argon2 is slow on purpose."""
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def make_member(*, category: str = "citizen", confirmed: bool = True, password: str = PASSWORD,
                **overrides) -> Member:
    n = next(_counter)
    professional = category != "citizen"
    fields = dict(
        email=f"member{n}@example.org", first_name="Pat", last_name=f"Member{n}", city="Springfield",
        state="IL", zip_code="62701", category=category,
        organisation="Springfield Police Department" if professional and category != "policymaker" else None,
        role_title="Officer" if professional else None,
        years_of_service=10 if category in ("le_current", "le_former", "cj_professional") else None,
        verification=Verification.PENDING if professional else Verification.NOT_APPLICABLE,
        email_confirmed_at=utcnow() if confirmed else None,
        password_hash=cached_hash(password),
    )
    fields.update(overrides)
    member = Member(**fields)
    db.session.add(member)
    db.session.commit()
    return member
