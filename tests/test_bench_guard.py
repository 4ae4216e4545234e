"""The benchmark builds its data set only in a database of its own: it never wipes the app's data."""
import pytest
from sqlalchemy import func, select

from bench import __main__ as bench_main
from bench.data import BUILDING, ForeignDatabase, bench_app, refuse_foreign_data
from leap_members.extensions import db as the_app_db
from leap_members.members.models import Member


def test_a_database_with_members_and_no_benchmark_marker_is_refused(db, member_factory):
    member_factory(email="real.member@example.org")
    with pytest.raises(ForeignDatabase, match="did not generate"):
        refuse_foreign_data("the app's database")
    assert db.session.scalar(select(func.count()).select_from(Member)) == 1


def test_an_empty_database_may_be_used(db):
    refuse_foreign_data("a new database")   # nothing to lose: no exception


def test_a_data_set_left_half_built_by_a_stopped_run_is_the_benchmarks_own(tmp_path):
    import sqlite3

    path = tmp_path / "bench.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT)")
        connection.execute("INSERT INTO members (email) VALUES ('generated@example.org')")
        connection.execute("CREATE TABLE bench_data_set (members INTEGER, version TEXT, seconds FLOAT)")
        connection.execute("INSERT INTO bench_data_set VALUES (300, ?, NULL)", (BUILDING,))
    app = bench_app(f"sqlite:///{path}")
    with app.app_context():
        refuse_foreign_data("a half-built benchmark database")   # rebuilt, not refused
        the_app_db.session.remove()
        the_app_db.engine.dispose()


def test_the_command_exits_with_the_reason_and_leaves_the_sqlite_file_as_it_was(tmp_path, capsys):
    import sqlite3

    path = tmp_path / "leap_members.db"
    with sqlite3.connect(path) as connection:   # an app database: members, no benchmark marker
        connection.execute("CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT)")
        connection.execute("INSERT INTO members (email) VALUES ('real.member@example.org')")
    code = bench_main.main(["--members", "300", "--database-url", f"sqlite:///{path}", "--out",
                            str(tmp_path / "results.json")])
    assert code == 2 and "did not generate" in capsys.readouterr().err
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT email FROM members").fetchall() == [("real.member@example.org",)]
    assert not (tmp_path / "results.json").exists()


def test_the_database_url_of_the_environment_is_the_default(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/leap_bench")
    assert bench_main.parse_args(["--members", "100"]).database_url == "postgresql://postgres@127.0.0.1:5432/leap_bench"
