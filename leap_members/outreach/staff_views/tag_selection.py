"""Tagging many members at once: everyone a directory search finds, or the addresses of a CSV file."""
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import exists, func, select

from ...admin.directory import conditions, count_matching
from ...admin.filters import PAGING, DirectoryQuery
from ...admin.imports import ImportFileError
from ...admin.views import found_or_404, read_query
from ...core.access import staff_required
from ...extensions import db
from ...members.login import current_member
from ...members.models import Member
from .. import bp
from ..models import MemberTag, Tag
from ..staff_forms import ActionForm
from ..tag_forms import CHANGES, SelectionTagForm, TagUploadForm, tag_choices
from ..tag_upload import MAX_ADDRESSES, read_addresses, tag_addresses
from ..tags import add_tag, remove_tag

FORM_FIELDS = ("csrf_token", "tag_id", "change")


def _form(formdata, csrf: bool) -> SelectionTagForm:
    form = SelectionTagForm(formdata=formdata, meta={} if csrf else {"csrf": False})
    form.tag_id.choices = tag_choices()
    return form


@bp.get("/staff/outreach/tags/selection")
@staff_required
def tag_selection():
    """What adding or removing the tag would do to the members the filters match, to confirm."""
    query = read_query(request.args, ignore=FORM_FIELDS + PAGING)
    form = _form(request.args, csrf=False)   # a GET that changes nothing: the POST it leads to has the token
    if not form.validate():
        # Opened without a choice (not from the directory): the page asks for one.
        status = 400 if "tag_id" in request.args or "change" in request.args else 200
        return _choose(form, query, status)
    tag = found_or_404(Tag, form.tag_id.data)
    having = exists().where(MemberTag.member_id == Member.id, MemberTag.tag_id == form.tag_id.data)
    matching = count_matching(query)
    with_tag = db.session.scalar(select(func.count()).select_from(Member).where(*conditions(query), having)) or 0
    return render_template("outreach/tag_selection.html", form=form, query=query, tag=tag, matching=matching,
                           with_tag=with_tag, change_label=CHANGES[form.change.data], confirm_form=ActionForm())


def _choose(form: SelectionTagForm, query: DirectoryQuery, status: int):
    return render_template("outreach/tag_selection.html", form=form, query=query, tag=None,
                           tags=form.tag_id.choices), status


@bp.post("/staff/outreach/tags/selection")
@staff_required
def tag_selection_apply():
    query = read_query(request.form, ignore=FORM_FIELDS + PAGING)
    form = _form(request.form, csrf=True)
    if not form.validate():
        return _choose(form, query, 400)
    tag = found_or_404(Tag, form.tag_id.data)
    source = f"directory selection: {query.describe()}"
    if form.change.data == "add":
        changed = add_tag(tag, conditions(query), current_member(), source)
        message = f"“{tag.name}” was added to {changed:,} member{'s' if changed != 1 else ''}."
    else:
        changed = remove_tag(tag, conditions(query), current_member(), source)
        message = f"“{tag.name}” was removed from {changed:,} member{'s' if changed != 1 else ''}."
    db.session.commit()
    flash(message, "success")
    return redirect(_directory_url(query))


def _directory_url(query: DirectoryQuery) -> str:
    pairs = query.filter_args()
    return url_for("admin.directory") + ("?" + urlencode(pairs) if pairs else "")


@bp.route("/staff/outreach/tags/upload", methods=["GET", "POST"])
@staff_required
def tag_upload():
    """GET: the upload form; POST: tag the members whose addresses the file lists, and report."""
    form = TagUploadForm()
    form.tag_id.choices = tag_choices()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            addresses, not_addresses = read_addresses(upload.read())
        except ImportFileError as exc:
            form.file.errors.append(str(exc))
        else:
            tag = found_or_404(Tag, form.tag_id.data)
            filename = "".join(ch for ch in upload.filename or "" if ch.isprintable())[:100] or "file"
            report = tag_addresses(tag, addresses, not_addresses, current_member(), filename)
            db.session.commit()
    status = 400 if form.errors else 200
    return render_template("outreach/tag_upload.html", form=form, report=report, max_addresses=MAX_ADDRESSES), status


tag_upload.accepts_files = True   # core/requests.py lets only marked views take files
