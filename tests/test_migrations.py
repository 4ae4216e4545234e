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


def test_migration_0020_keeps_every_sign_up_and_target_both_ways(empty_database_url):
    """On SQLite the host's foreign key means copying ``actions``; the cascade to sign-ups must not fire."""
    app = create_app(build_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    counts = "SELECT (SELECT count(*) FROM action_signups), (SELECT count(*) FROM action_targets)"
    with app.app_context():
        upgrade(revision="0019")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO members (id, uuid, email, first_name, last_name, city, state, zip_code, category, "
                "affiliation_private, email_updates, custom_fields, verification, role, status, session_token, "
                "created_at, updated_at) VALUES (1, 'u-1', 'a@example.org', 'A', 'B', 'C', 'OH', '45402', "
                "'citizen', false, false, '{}', 'not_applicable', 'member', 'active', 't', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            connection.execute(text(
                "INSERT INTO actions (id, uuid, slug, kind, status, title, summary, description, timezone, "
                "allowed_categories, verified_only, online, taking_part, created_at, updated_at) VALUES "
                "(1, 'a-1', 'e', 'event', 'published', 'E', 's', 'd', 'UTC', '', false, true, 1, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            connection.execute(text("INSERT INTO action_targets (action_id, position, name) VALUES (1, 0, 'Sen. X')"))
            connection.execute(text(
                "INSERT INTO action_signups (uuid, action_id, member_id, status, letters_emailed, queued_at, "
                "created_at, updated_at) VALUES ('s-1', 1, 1, 'registered', 0, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.begin() as connection:
            assert tuple(connection.execute(text(counts)).one()) == (1, 1)
            connection.execute(text("UPDATE actions SET host_id = 1"))
            connection.execute(text("DELETE FROM members WHERE id = 1"))   # the sign-up goes, the event stays
            assert connection.execute(text("SELECT host_id FROM actions")).scalar() is None
            assert tuple(connection.execute(text(counts)).one()) == (0, 1)
        downgrade(revision="0019")
        with db.engine.connect() as connection:
            assert tuple(connection.execute(text(counts)).one()) == (0, 1)
            assert "host_id" not in {c["name"] for c in db.inspect(connection).get_columns("actions")}
        db.session.remove()
        db.engine.dispose()


def test_remaking_the_members_table_keeps_every_consent_and_sign_up(empty_database_url):
    """0017 remakes ``members`` on SQLite (its uuid): the rows pointing at members must all stay."""
    app = create_app(build_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    counts = "SELECT (SELECT count(*) FROM consents), (SELECT count(*) FROM action_signups)"
    with app.app_context():
        upgrade(revision="0016")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO members (id, email, first_name, last_name, city, state, zip_code, category, "
                "affiliation_private, email_updates, verification, role, status, session_token, created_at, "
                "updated_at) VALUES (1, 'a@example.org', 'A', 'B', 'C', 'OH', '45402', 'citizen', false, true, "
                "'not_applicable', 'member', 'active', 't', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            connection.execute(text("INSERT INTO consents (member_id, kind, granted, wording, source) "
                                    "VALUES (1, 'email_updates', true, 'Send me updates.', '/join')"))
            connection.execute(text(
                "INSERT INTO actions (id, slug, kind, status, title, summary, description, timezone, "
                "allowed_categories, verified_only, online, taking_part, created_at, updated_at) VALUES "
                "(1, 'p', 'petition', 'published', 'P', 's', 'd', 'UTC', '', false, false, 1, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            connection.execute(text(
                "INSERT INTO action_signups (action_id, member_id, status, letters_emailed, queued_at, created_at, "
                "updated_at) VALUES (1, 1, 'signed', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.begin() as connection:
            assert tuple(connection.execute(text(counts)).one()) == (1, 1)
            # Foreign keys are on again afterwards: removing the member takes their consent and sign-up.
            connection.execute(text("DELETE FROM members WHERE id = 1"))
            assert tuple(connection.execute(text(counts)).one()) == (0, 0)
        db.session.remove()
        db.engine.dispose()
