"""Public pages anyone can read."""
from flask import render_template

from . import bp
from .services import published_timeline


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/about")
def about():
    return render_template("public/about.html")


@bp.get("/impact")
def impact():
    return render_template("public/impact.html", entries=published_timeline())


@bp.get("/privacy")
def privacy():
    return render_template("public/privacy.html")
