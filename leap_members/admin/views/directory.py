"""The member directory: search, filters, sort and pages."""
from flask import render_template, request

from ...core.access import staff_required
from .. import bp
from ..directory_pages import directory_body
from . import read_query


@bp.get("/members")
@staff_required
def directory():
    return render_template("admin/directory.html", body=directory_body(read_query(request.args)))
