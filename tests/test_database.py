"""The database helpers every feature shares."""
from sqlalchemy import insert, select

from leap_members.core.database import commit_one
from leap_members.core.dataversions import DataVersion


def test_a_statement_committed_on_its_own_is_kept_and_later_work_stays_in_a_transaction(app, db):
    rows = commit_one(insert(DataVersion).values(name="probe", version=1).returning(DataVersion.name))
    assert rows == [("probe",)]
    db.session.execute(insert(DataVersion).values(name="later", version=2))   # on the same pooled connection
    db.session.rollback()
    names = set(db.session.scalars(select(DataVersion.name)))
    assert "probe" in names and "later" not in names
