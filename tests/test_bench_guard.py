"""The benchmark builds its data set only in a database of its own: it never wipes the app's data;
and it measures the data set as a running database keeps it (planner statistics, vacuumed)."""
import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import func, select, text

from bench import __main__ as bench_main
from bench.data import BUILDING, ForeignDatabase, bench_app, own_marker, settle
from leap_members.extensions import db as the_app_db
from leap_members.members.models import Member


def test_a_database_with_members_and_no_benchmark_marker_is_refused(db, member_factory):
    member_factory(email="real.member@example.org")
    with pytest.raises(ForeignDatabase, match="did not generate"):
        own_marker("the app's database")
    assert db.session.scalar(select(func.count()).select_from(Member)) == 1


def test_an_empty_database_may_be_used(db):
    assert own_marker("a new database") is None   # nothing to lose: no exception


def sqlite_file_with_a_member(path, email: str, marker: tuple[int, str] | None = None) -> None:
    """A SQLite file whose members table holds one member, and the benchmark's marker if given."""
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT)")
        connection.execute("INSERT INTO members (email) VALUES (?)", (email,))
        if marker:
            connection.execute("CREATE TABLE bench_data_set (members INTEGER, version TEXT, seconds FLOAT)")
            connection.execute("INSERT INTO bench_data_set VALUES (?, ?, NULL)", marker)


def test_a_data_set_left_half_built_by_a_stopped_run_is_the_benchmarks_own(tmp_path):
    path = tmp_path / "bench.db"
    sqlite_file_with_a_member(path, "generated@example.org", marker=(300, BUILDING))
    app = bench_app(f"sqlite:///{path}")
    with app.app_context():
        assert own_marker("a half-built benchmark database") == (300, BUILDING)   # rebuilt, not refused
        the_app_db.session.remove()
        the_app_db.engine.dispose()


def test_the_command_exits_with_the_reason_and_leaves_the_sqlite_file_as_it_was(tmp_path, capsys):
    path = tmp_path / "leap_members.db"
    sqlite_file_with_a_member(path, "real.member@example.org")   # an app database: no benchmark marker
    code = bench_main.main(["--members", "300", "--database-url", f"sqlite:///{path}", "--out",
                            str(tmp_path / "results.json")])
    assert code == 2 and "did not generate" in capsys.readouterr().err
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT email FROM members").fetchall() == [("real.member@example.org",)]
    assert not (tmp_path / "results.json").exists()


def test_the_database_url_of_the_environment_is_the_default(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/leap_bench")
    assert bench_main.parse_args(["--members", "100"]).database_url == "postgresql://postgres@127.0.0.1:5432/leap_bench"


def test_the_data_set_is_settled_with_planner_statistics_and_on_postgresql_vacuumed(db, member_factory):
    member_factory(email="generated@example.org")
    db.session.commit()
    on_postgresql = db.engine.dialect.name == "postgresql"
    if on_postgresql:
        started = db.session.scalar(text("SELECT clock_timestamp()"))
    elif db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")):
        db.session.execute(text("DELETE FROM sqlite_stat1"))   # statistics an earlier test left
    db.session.commit()
    settle(built=True)
    if on_postgresql:
        # autovacuum may be off (it is off on the machine the bench ran on): the bench vacuums itself
        vacuumed, analysed = db.session.execute(text(
            "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables "
            "WHERE relname = 'members' AND schemaname = current_schema()")).one()
        assert vacuumed > started and analysed > started
    else:
        assert db.session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'members'")) > 0
