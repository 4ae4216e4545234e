"""Generated members for benchmarks: bulk inserted, valid, and repeatable without clashes."""
from sqlalchemy import func, select, text

from leap_members.admin.fake_data import generate_members
from leap_members.members.categories import CATEGORIES
from leap_members.members.geography import US_STATES, ZIP_PATTERN
from leap_members.members.models import Member


def test_generate_members_adds_valid_members_in_bulk(app, db, count_queries):
    with count_queries() as counter:
        assert generate_members(120, seed=1, batch_size=50) == 120
    db.session.commit()
    members = db.session.scalars(select(Member)).all()
    assert len(members) == 120
    assert len({m.email for m in members}) == 120
    assert len({m.session_token for m in members}) == 120
    for m in members:
        assert m.category in CATEGORIES and m.state in US_STATES and ZIP_PATTERN.match(m.zip_code)
        assert m.password_hash is None and m.role == "member"
    assert counter.count < 20  # three batches, not 120 INSERTs


def test_the_command_can_run_twice_without_address_clashes(runner, db):
    for _ in range(2):
        result = runner.invoke(args=["generate-members", "25", "--seed", "7"])
        assert result.exit_code == 0, result.output
        assert "Added 25 generated members" in result.output
    assert db.session.scalar(select(func.count()).select_from(Member)) == 50


def test_the_command_refuses_a_count_below_one(runner):
    result = runner.invoke(args=["generate-members", "0"])
    assert result.exit_code == 2 and "0" in result.output


def test_analyze_database_gives_the_planner_statistics_for_members(runner, db):
    runner.invoke(args=["generate-members", "50", "--seed", "3"])
    result = runner.invoke(args=["analyze-database"])
    assert result.exit_code == 0 and "Statistics refreshed" in result.output, result.output
    if db.engine.dialect.name == "sqlite":
        stats = db.session.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'members'")).scalar()
    else:
        stats = db.session.execute(text("SELECT count(*) FROM pg_stat_user_tables "
                                        "WHERE relname = 'members' AND last_analyze IS NOT NULL")).scalar()
    assert stats >= 1
