"""Data versions read ahead with the logged-in member: one round trip, and never trusted past a write."""
from sqlalchemy import select, text, update

from leap_members.core import dataversions
from leap_members.core.dataversions import DataVersion
from leap_members.extensions import db
from leap_members.members.models import Member


def _read_ahead_with(member_id: int) -> None:
    row = db.session.execute(dataversions.with_versions(select(Member).where(Member.id == member_id))).one()
    dataversions.read_ahead(row)


def _stored(name: str) -> int | None:
    return db.session.execute(select(DataVersion.version).where(DataVersion.name == name)).scalar_one_or_none()


def test_versions_read_with_the_member_are_served_without_another_query(app, member, count_queries):
    with app.test_request_context("/actions"):
        _read_ahead_with(member.id)
        with count_queries() as counter:
            versions = {name: dataversions.current(name) for name in dataversions.followed()}
        assert counter.count == 0
        assert versions == {name: _stored(name) for name in versions}


def test_a_write_in_the_request_ends_the_versions_read_ahead(app, member, count_queries):
    with app.test_request_context("/actions"):
        _read_ahead_with(member.id)
        db.session.execute(update(DataVersion).where(DataVersion.name == "directory").values(version=42))
        with count_queries() as counter:
            assert dataversions.current("directory") == 42
        assert counter.count == 1
        db.session.rollback()


def test_a_raw_write_ends_them_too(app, member):
    with app.test_request_context("/actions"):
        _read_ahead_with(member.id)
        db.session.execute(text("DELETE FROM data_versions WHERE name = 'directory'"))
        assert dataversions.current("directory") is None
        db.session.rollback()


def test_each_request_reads_its_own(app, member, count_queries):
    with app.test_request_context("/actions"):
        _read_ahead_with(member.id)
    with app.test_request_context("/actions"):
        with count_queries() as counter:
            dataversions.current("actions")
        assert counter.count == 1
