"""LEAP Members: the member, donor and advocacy system of the Law Enforcement Action Partnership."""
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# Outreach first: the directory (admin) filters by its tags and topics, and its staff pages use the
# directory, so admin must find outreach's models loaded and its own modules not half-imported.
from . import outreach  # isort: skip
from . import admin, advocacy, api, donations, health, mail, members, partnerships, public, speakers
from .config import load_config
from .core import converters, database, errors, headers, requests, sessions, templating
from .core.links import FixedSiteRoot, site_root
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
    app.wsgi_app = FixedSiteRoot(app.wsgi_app, site_root(app.config["PUBLIC_URL"]))  # type: ignore[method-assign]
    if app.config["TRUSTED_PROXIES"]:
        # Behind a reverse proxy: take the client address (used by rate limits) and the
        # scheme from the proxy's headers, trusting only as many hops as configured.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    register_extensions(app)
    converters.register(app)
    register_blueprints(app)
    register_hooks(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Each feature package's blueprint, and its CLI commands and signals (``init_app``)."""
    for feature in (public, members, mail, admin, advocacy, donations, health, partnerships, outreach, api,
                    speakers):
        app.register_blueprint(feature.bp)
        if hasattr(feature, "init_app"):
            feature.init_app(app)


def register_hooks(app: Flask) -> None:
    errors.register(app)
    headers.register(app)
    requests.register(app)
    sessions.register(app)
    templating.register(app)
