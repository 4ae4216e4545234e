"""Data versions read ahead with the logged-in member: one round trip, and never trusted once the
request has written (or holds changes not yet sent)."""
from contextlib import contextmanager

from sqlalchemy import insert, select, text, update

from leap_members.core import dataversions
from leap_members.core.dataversions import DataVersion
from leap_members.extensions import db
from leap_members.members.models import Member


@contextmanager
def a_request(app):
    """A request of its own (the test's app context holds the fixtures' writes)."""
    with app.app_context(), app.test_request_context("/actions"):
        yield


def _read_ahead_with(member_id: int) -> None:
    row = db.session.execute(dataversions.with_versions(select(Member).where(Member.id == member_id))).one()
    dataversions.read_ahead(row._mapping)


def _stored(name: str) -> int | None:
    return db.session.execute(select(DataVersion.version).where(DataVersion.name == name)).scalar_one_or_none()


def test_versions_read_with_the_member_are_served_without_another_query(app, member, count_queries):
    with a_request(app):
        _read_ahead_with(member.id)
        with count_queries() as counter:
            versions = {name: dataversions.current(name) for name in dataversions.followed()}
        assert counter.count == 0
        assert versions == {name: _stored(name) for name in versions}
        assert versions["directory"] is not None   # the member's own row wrote one


def test_after_a_write_the_request_knows_no_version(app, member):
    with a_request(app):
        _read_ahead_with(member.id)
        db.session.execute(update(DataVersion).where(DataVersion.name == "directory").values(version=42))
        assert dataversions.current("directory") is None   # nothing served from memory, nothing kept
        db.session.rollback()


def test_a_raw_write_or_a_writing_with_counts_too(app, member):
    with a_request(app):
        db.session.execute(text("WITH doomed AS (SELECT 'none' AS name) "
                                "DELETE FROM data_versions WHERE name IN (SELECT name FROM doomed)"))
        assert dataversions.current("directory") is None
        db.session.rollback()
    with a_request(app):
        db.session.execute(text("WITH known AS (SELECT name FROM data_versions) SELECT count(*) FROM known"))
        assert dataversions.current("directory") == _stored("directory")   # a WITH that only reads


def test_changes_not_yet_sent_count_as_a_write(app, member):
    with a_request(app):
        _read_ahead_with(member.id)
        db.session.get(Member, member.id).first_name = "Changed"   # flushed only by the next query
        assert dataversions.current("directory") is None
        db.session.rollback()


def test_each_request_reads_its_own(app, member, count_queries):
    with a_request(app):
        _read_ahead_with(member.id)
    with a_request(app):
        with count_queries() as counter:
            version = dataversions.current("directory")
        assert counter.count == 1 and version == _stored("directory")


def test_a_version_followed_after_the_statement_was_built_is_read_on_its_own(app, member, count_queries,
                                                                             monkeypatch):
    statement = dataversions.with_versions(select(Member).where(Member.id == member.id))
    monkeypatch.setitem(dataversions._FOLLOWED, "aardvark", lambda: [])   # sorts before every other name
    db.session.execute(insert(DataVersion).values(name="aardvark", version=7))
    db.session.commit()
    with a_request(app):
        dataversions.read_ahead(db.session.execute(statement).one()._mapping)
        assert dataversions.current("aardvark") == 7
        assert dataversions.current("directory") == _stored("directory")
