"""Every schema change is a migration: upgrading a new database gives exactly the models' schema."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from leap_members import create_app
from leap_members.extensions import db
from tests.conftest import DATABASE_URL, build_config
from tests.support.database import fresh_database


@pytest.fixture
def empty_database_url(tmp_path):
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        yield url


def test_migrations_build_exactly_the_models_schema(empty_database_url):
    app = create_app(build_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            timeline_rows = connection.execute(text("SELECT count(*) FROM timeline_entries")).scalar()
        assert differences == [], f"models and migrations differ: {differences}"
        assert timeline_rows == 3
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert "members" not in db.inspect(connection).get_table_names()
        db.engine.dispose()
