"""The audit log staff can read: exports, imports, role and status changes, merges, decisions."""
from flask import abort, render_template, request

from ...core.access import staff_required
from .. import bp
from ..audit import ACTIONS, audit_page


@bp.get("/audit")
@staff_required
def audit_log():
    unknown = set(request.args) - {"action", "page"}
    if unknown:
        abort(400, f"Unknown parameter “{sorted(unknown)[0][:40]}”.")
    action = request.args.get("action", "")
    if action and action not in ACTIONS:
        abort(400, "Choose one of the kinds of event listed on the page.")
    page = request.args.get("page", "1")
    if not page.isascii() or not page.isdigit() or not 1 <= int(page) <= 100_000:
        abort(400, "The page must be a whole number from 1 to 100000.")
    return render_template("admin/audit.html", log=audit_page(action or None, int(page)), action=action,
                           actions=ACTIONS)
