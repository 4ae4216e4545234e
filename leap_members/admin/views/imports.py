"""Importing a member list: upload, dry-run report, then apply once."""
from flask import flash, redirect, render_template, url_for

from ...core.access import admin_required
from ...extensions import db
from .. import bp
from ..forms import ApplyImportForm, ImportForm
from ..imports import AlreadyApplied, ImportFileError, apply_import, check_rows, decode, save_upload
from ..models import MemberImport
from . import found_or_404


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            text = decode(upload.read())
            check_rows(text)
        except ImportFileError as exc:
            form.file.errors.append(str(exc))
        else:
            saved = save_upload(upload.filename, text)
            db.session.commit()
            return redirect(url_for("admin.import_report", import_id=saved.id))
    status = 400 if form.errors else 200
    return render_template("admin/import.html", form=form), status


import_upload.accepts_files = True   # the only view with a file field (core/requests.py)


@bp.get("/import/<int:import_id>")
@admin_required
def import_report(import_id: int):
    upload = found_or_404(MemberImport, import_id)
    try:
        report, problem = check_rows(upload.content), None
    except ImportFileError as exc:
        report, problem = None, str(exc)
    return render_template("admin/import_report.html", upload=upload, report=report, problem=problem,
                           form=ApplyImportForm())


@bp.post("/import/<int:import_id>/apply")
@admin_required
def import_apply(import_id: int):
    upload = found_or_404(MemberImport, import_id)
    form = ApplyImportForm()
    if not form.validate_on_submit():
        return redirect(url_for("admin.import_report", import_id=upload.id))
    try:
        report = apply_import(upload)
    except (AlreadyApplied, ImportFileError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.import_report", import_id=upload.id))
    db.session.commit()
    flash(f"{report.count('new')} new members were added. {report.count('existing')} were members already; "
          f"{report.count('error')} rows with errors were skipped.", "success")
    return redirect(url_for("admin.import_report", import_id=upload.id))
