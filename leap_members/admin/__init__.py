"""The staff console: member directory, records, verification, exports, imports and dashboard."""
from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, url_prefix="/staff")

from . import merge, records, views  # noqa: E402,F401  (merge and records register timeline and merge steps)


def init_app(app: Flask) -> None:
    from .cli import analyze_database_command, export_members_command, generate_members_command, import_members_command

    app.cli.add_command(export_members_command)
    app.cli.add_command(import_members_command)
    app.cli.add_command(generate_members_command)
    app.cli.add_command(analyze_database_command)
