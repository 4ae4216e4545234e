"""Public pages anyone can read."""
from flask import render_template

from ..core.pagecache import same_for_every_visitor
from . import bp
from .services import published_timeline


@bp.get("/")
@same_for_every_visitor
def home():
    return render_template("public/home.html")


@bp.get("/about")
@same_for_every_visitor
def about():
    return render_template("public/about.html")


@bp.get("/impact")
def impact():
    return render_template("public/impact.html", entries=published_timeline())
