"""LEAP Members: the member, donor and advocacy system of the Law Enforcement Action Partnership."""
import os

from flask import Flask

from .config import load_config
from .extensions import csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict | None = None) -> Flask:
    """Build the application; ``config`` overrides what the environment says."""
    app = Flask(
        __name__,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
        instance_path=os.environ.get("INSTANCE_PATH", os.path.join(PROJECT_ROOT, "instance")),
    )
    app.config.update(load_config(app.instance_path, config))
    os.makedirs(app.instance_path, exist_ok=True)

    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_hooks(app)
    return app


def register_extensions(app: Flask) -> None:
    from .core import database

    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .mail import bp as mail_bp
    from .members import bp as members_bp
    from .public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(mail_bp)


def register_commands(app: Flask) -> None:
    from .mail.cli import send_mail_command
    from .members.cli import create_admin_command, seed_demo_command

    for command in (send_mail_command, create_admin_command, seed_demo_command):
        app.cli.add_command(command)


def register_hooks(app: Flask) -> None:
    from .core import errors, headers, sessions, templating

    errors.register(app)
    headers.register(app)
    sessions.register(app)
    templating.register(app)
