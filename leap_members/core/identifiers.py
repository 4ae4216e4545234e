"""Globally unique identifiers for records other tools refer to (the API's ``leap_members:<uuid>``).

Row ids stay the keys inside the database; a uuid is what leaves it, so ids from two systems never
collide and a client cannot walk the records by counting.
"""
import uuid

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


def new_uuid() -> str:
    return str(uuid.uuid4())


class HasUuid:
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
