"""Generated members can be found by phone, as every other member can (the API matches on the digits)."""
from sqlalchemy import select

from leap_members.admin.fake_data import generate_members
from leap_members.extensions import db
from leap_members.members.models import Member, phone_digits


def test_generated_members_keep_their_phone_digits(app):
    generate_members(50, seed=7)
    db.session.commit()
    rows = db.session.execute(select(Member.phone, Member.phone_digits).where(Member.phone.is_not(None))).all()
    assert rows and all(digits == phone_digits(phone) and len(digits) == 10 for phone, digits in rows)
