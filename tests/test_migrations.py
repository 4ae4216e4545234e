"""Every schema change is a migration: upgrading a new database gives exactly the models' schema."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from leap_members import create_app
from leap_members.extensions import db
from leap_members.members import search
from leap_members.members.models import Member
from leap_members.members.search import is_search_object
from tests.conftest import DATABASE_URL, build_config
from tests.support.database import fresh_database, tables_with_version_triggers
from tests.support.factories import make_member


@pytest.fixture
def empty_database_url(tmp_path):
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        yield url


def test_migrations_build_exactly_the_models_schema(empty_database_url):
    app = create_app(build_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "include_name": lambda name, type_, parents: not is_search_object(name)})
            differences = compare_metadata(context, db.metadata)
            timeline_rows = connection.execute(text("SELECT count(*) FROM timeline_entries")).scalar()
            versioned = {name: tables_with_version_triggers(connection, name) for name in ("directory", "actions")}
            tables = db.inspect(connection).get_table_names()
        assert differences == [], f"models and migrations differ: {differences}"
        # 0013 took out the data versions: no trigger writes on the members' or actions' tables.
        assert versioned == {"directory": set(), "actions": set()} and "data_versions" not in tables
        assert timeline_rows == 3
        # The search index made by the migration (not a model) finds a member added afterwards.
        make_member(last_name="Rivera-Lopez")
        assert db.session.scalar(select(func.count()).select_from(Member).where(search.matches("rivera"))) == 1
        db.session.remove()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert "members" not in db.inspect(connection).get_table_names()
        db.engine.dispose()


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="PostgreSQL schemas")
def test_migrations_work_in_a_schema_of_their_own_beside_an_installed_pg_trgm(empty_database_url):
    """The operator class is found where pg_trgm is installed, not on the search_path."""
    from sqlalchemy import create_engine

    from leap_members.config import normalise_database_url

    engine = create_engine(normalise_database_url(empty_database_url))
    with engine.begin() as connection:
        connection.execute(text("CREATE EXTENSION pg_trgm SCHEMA public"))
        connection.execute(text("CREATE SCHEMA leap"))
    engine.dispose()
    app = create_app(build_config(SQLALCHEMY_DATABASE_URI=empty_database_url + "?options=-csearch_path%3Dleap"))
    with app.app_context():
        upgrade()
        make_member(last_name="Rivera-Lopez")
        assert db.session.scalar(select(func.count()).select_from(Member).where(search.matches("rivera"))) == 1
        assert db.session.execute(text("SELECT schemaname FROM pg_indexes WHERE indexname = 'ix_members_search_trgm'")
                                  ).scalar() == "leap"
        db.session.remove()
        db.engine.dispose()
