"""Every schema change is a migration: upgrading a new database gives exactly the models' schema."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from leap_members import create_app
from leap_members.extensions import db
from tests.conftest import DATABASE_URL, build_config


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database of the kind the suite runs on."""
    if not DATABASE_URL.startswith("postgres"):
        yield f"sqlite:///{tmp_path}/migrated.db"
        return
    url = make_url(build_config()["SQLALCHEMY_DATABASE_URI"])
    name = f"leap_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


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
