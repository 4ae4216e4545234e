"""Join, confirm, log in and out, reset a password, manage one's profile."""
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..core.access import login_required
from ..core.passwords import verify_password
from ..core.ratelimit import post_limit
from ..core.redirects import safe_next_url
from ..core.tokens import TokenError
from ..extensions import db
from . import bp, login_limits
from .categories import CATEGORIES
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
    normalise_email,
)
from .login import current_member, log_in, log_out
from .services import (
    PROFILE_FIELDS,
    ConsentContext,
    EmailTaken,
    authenticate,
    confirm_email,
    read_confirmation,
    read_reset_token,
    record_login,
    register_member,
    request_email_change,
    request_password_reset,
    send_confirmation,
    set_password,
    tell_of_paused_login,
    tell_of_second_signup,
    update_profile,
)


def _consent_context() -> ConsentContext:
    return ConsentContext(source=request.path, ip_address=request.remote_addr)


def _declared(form, names) -> dict:
    return {name: getattr(form, name).data for name in names}


@bp.route("/join", methods=["GET", "POST"])
@post_limit("RATELIMIT_SIGNUP")
def join():
    if current_user.is_authenticated:
        return redirect(url_for("members.account"))
    # A link may fill in the address (an event's invitation to join: advocacy/checkin.py).
    form = SignupForm() if request.method == "POST" else SignupForm(email=request.args.get("email", "")[:254])
    if form.validate_on_submit():
        try:
            register_member(_declared(form, PROFILE_FIELDS + ("email",)), form.password.data,
                            form.email_updates.data, _consent_context())
        except EmailTaken as taken:
            # The same answer as for a new address, so joining tells nobody who has an account;
            # the account's owner is told by e-mail instead.
            db.session.rollback()
            tell_of_second_signup(str(taken))
            db.session.commit()
        else:
            db.session.commit()
        session["joined_email"] = normalise_email(form.email.data)
        return redirect(url_for("members.joined"))
    return render_template("members/join.html", form=form, categories=CATEGORIES)


@bp.get("/join/check-your-inbox")
def joined():
    email = session.get("joined_email")
    if not email:
        return redirect(url_for("members.join"))
    return render_template("members/joined.html", email=email)


@bp.route("/confirm/<token>", methods=["GET", "POST"], endpoint="confirm_email")
def confirm_email_page(token: str):
    """GET only shows a button: mail scanners that follow links confirm nobody."""
    try:
        member, address = read_confirmation(token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    except TokenError as exc:
        return render_template("members/link_invalid.html", expired=exc.expired, kind="confirm"), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            confirm_email(member, address)
        except EmailTaken:
            db.session.rollback()
            flash("That e-mail address now belongs to another account, so it cannot be used.", "error")
            return redirect(url_for("public.home"))
        db.session.commit()
        flash("Thank you: your e-mail address is confirmed.", "success")
        return redirect(url_for("members.account" if current_user.is_authenticated else "members.login"))
    return render_template("members/confirm.html", form=form, address=address)


@bp.post("/account/resend-confirmation")
@login_required
@post_limit("RATELIMIT_RESET")
def resend_confirmation():
    form = ConfirmForm()
    if form.validate_on_submit() and not current_user.email_confirmed:
        send_confirmation(current_user, current_user.email)
        db.session.commit()
        flash(f"We sent a new confirmation link to {current_user.email}.", "success")
    return redirect(url_for("members.account"))


@bp.route("/login", methods=["GET", "POST"])
@post_limit("RATELIMIT_LOGIN")
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        email = form.email.data
        paused = 0 if login_limits.is_known_device(request, email) else login_limits.seconds_paused(email)
        if paused:
            minutes = -(-paused // 60)
            form.password.errors.append(
                f"There have been too many failed attempts to log in to this account. Try again in "
                f"{minutes} minute{'s' if minutes != 1 else ''}, or reset your password.")
            return render_template("members/login.html", form=form), 429
        member = authenticate(email, form.password.data)
        if member is None or not member.is_active:
            if login_limits.count_failure(email):
                tell_of_paused_login(email)
                db.session.commit()
            form.password.errors.append("The e-mail address or password is not right.")
        else:
            record_login(member)
            db.session.commit()
            log_in(member)
            flash(f"Welcome back, {member.first_name}.", "success")
            response = redirect(safe_next_url(form.next.data))
            login_limits.remember_device(request, response, member.email)
            return response
    return render_template("members/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    log_out(current_member())
    db.session.commit()
    flash("You are logged out.", "info")
    return redirect(url_for("public.home"))


@bp.route("/reset", methods=["GET", "POST"])
@post_limit("RATELIMIT_RESET")
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        return render_template("members/reset_sent.html", email=form.email.data)
    return render_template("members/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@post_limit("RATELIMIT_RESET")
def reset_password(token: str):
    try:
        member = read_reset_token(token, current_app.config["RESET_TOKEN_MAX_AGE"])
    except TokenError as exc:
        return render_template("members/link_invalid.html", expired=exc.expired, kind="reset"), 400
    form = ResetPasswordForm()
    form.known_words = (member.first_name, member.last_name, member.email.split("@")[0])
    if form.validate_on_submit():
        set_password(member, form.password.data)
        if member.email_confirmed_at is None:
            # The link reached this inbox, which proves the address.
            confirm_email(member, member.email)
        db.session.commit()
        login_limits.forget_failures(member.email)
        log_out_if_current(member)
        flash("Your password is changed. Please log in with it.", "success")
        return redirect(url_for("members.login"))
    return render_template("members/reset_password.html", form=form)


def log_out_if_current(member) -> None:
    if current_user.is_authenticated and current_user.id == member.id:
        log_out(member)


@bp.get("/account")
@login_required
def account():
    return render_template("members/account.html", member=current_user, resend_form=ConfirmForm())


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    member = current_member()
    form = ProfileForm(obj=member)
    if form.validate_on_submit():
        update_profile(member, _declared(form, PROFILE_FIELDS), form.email_updates.data, _consent_context())
        db.session.commit()
        flash("Your profile is saved.", "success")
        return redirect(url_for("members.account"))
    return render_template("members/profile.html", form=form, categories=CATEGORIES)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@post_limit("RATELIMIT_LOGIN")
def change_password():
    member = current_member()
    form = ChangePasswordForm()
    form.known_words = (member.first_name, member.last_name, member.email.split("@")[0])
    if form.validate_on_submit():
        if not verify_password(member.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not right.")
        else:
            set_password(member, form.password.data)
            db.session.commit()
            log_in(member)  # this browser stays logged in; every other session ends
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("members.account"))
    return render_template("members/change_password.html", form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@post_limit("RATELIMIT_LOGIN")
def change_email():
    member = current_member()
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if not verify_password(member.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not right.")
        else:
            try:
                request_email_change(member, form.new_email.data)
            except EmailTaken:
                db.session.rollback()
                form.new_email.errors.append("Another account already uses this e-mail address.")
            else:
                db.session.commit()
                flash(f"We sent a confirmation link to {form.new_email.data}. "
                      "Your address changes when you confirm it.", "success")
                return redirect(url_for("members.account"))
    return render_template("members/change_email.html", form=form)
