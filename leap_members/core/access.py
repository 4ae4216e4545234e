"""Who may see a page: one decorator per rule, checked on every request."""
from functools import wraps

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user


def checks_its_own_access(rule: str):
    """For a view that decides for itself who sees what: ``rule`` says how, for the access matrix."""
    def mark(view):
        setattr(view, "access", rule)
        return view
    return mark


def _to_login():
    return redirect(url_for("members.login", next=request.full_path.rstrip("?")))


def login_required(view):
    """Any logged-in person."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            flash("Please log in to continue.", "info")
            return _to_login()
        return view(*args, **kwargs)
    wrapper.access = "login"
    return wrapper


def member_required(view):
    """A logged-in member with a confirmed e-mail and an active membership."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            flash("Please log in or join to take part.", "info")
            return _to_login()
        if not current_user.email_confirmed:
            flash("Please confirm your e-mail address first: we sent you a link.", "warning")
            return redirect(url_for("members.account"))
        if not current_user.is_active_member:
            abort(403, "Your membership is not active. Contact LEAP staff if you think this is a mistake.")
        return view(*args, **kwargs)
    wrapper.access = "member"
    return wrapper


def host_required(view):
    """A member (as member_required) who hosts the record the page is about, or staff. Which record
    that is only the view knows: it refuses everyone else itself (advocacy/checkin_views.py)."""
    wrapper = member_required(view)
    wrapper.access = "host"
    return wrapper


def role_required(*, admin: bool):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _to_login()
            allowed = current_user.is_admin if admin else current_user.is_staff
            if not allowed:
                abort(403, "This page is for LEAP staff only.")
            return view(*args, **kwargs)
        wrapper.access = "admin" if admin else "staff"
        return wrapper
    return decorator


staff_required = role_required(admin=False)
admin_required = role_required(admin=True)
