"""CSV export of the current directory view, with the columns staff choose."""
from flask import abort, render_template, request

from ...core.access import staff_required
from ...core.csvsafe import csv_response
from ...core.timeutil import utcnow
from ...extensions import db
from .. import bp
from ..directory import count_matching
from ..exports import (
    DEFAULT_COLUMNS,
    BadColumns,
    available_columns,
    choose_columns,
    export_filename,
    recorded_export,
    start_export,
)
from ..forms import ExportForm
from . import read_query

FORM_FIELDS = ("csrf_token", "columns", "hide_private", "submit")


def export_form(**kwargs) -> ExportForm:
    form = ExportForm(**kwargs)
    form.columns.choices = {key: column.header for key, column in available_columns().items()}
    return form


@bp.get("/export")
@staff_required
def export_page():
    query = read_query(request.args)
    form = export_form(formdata=None)
    form.columns.data = list(DEFAULT_COLUMNS)
    return render_template("admin/export.html", form=form, query=query, matching=count_matching(query))


@bp.post("/export")
@staff_required
def export_csv():
    query = read_query(request.form, ignore=FORM_FIELDS)
    form = export_form()
    if not form.validate_on_submit():
        return render_template("admin/export.html", form=form, query=query, matching=count_matching(query)), 400
    try:
        columns = choose_columns(form.columns.data)
    except BadColumns as exc:
        abort(400, str(exc))
    matching = count_matching(query)
    if matching == 0:
        # An empty file would look like a successful export of nobody.
        return render_template("admin/export.html", form=form, query=query, matching=0, nothing=True), 200
    event_id = start_export(query, columns, form.hide_private.data, matching, where="web")
    db.session.commit()
    rows = recorded_export(event_id, query, columns, form.hide_private.data)
    return csv_response(export_filename(utcnow()), [column.header for column in columns], rows, already_safe=True)
