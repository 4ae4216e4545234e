"""The staff dashboard."""
from flask import render_template

from ...core.access import staff_required
from .. import bp
from ..dashboard import by_category, by_state, by_status, new_members_per_month, rendered_panels
from ..verification import pending_count


@bp.get("/")
@staff_required
def dashboard():
    return render_template("admin/dashboard.html", categories=by_category(), statuses=by_status(),
                           states=by_state(), joined=new_members_per_month(), pending=pending_count(),
                           panels=rendered_panels())
