"""Bulk messages: write, preview as a member, test, send or schedule, pause, cancel, report."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ...admin.views import found_or_404
from ...core.access import staff_required
from ...core.csvsafe import csv_response
from ...extensions import db
from ...mail.models import OutboxMessage
from ...members.login import current_member
from ...members.models import Member
from .. import bp, sending
from ..models import Mailing, MailingStatus, Segment, Topic
from ..rendering import render
from ..reports import RECIPIENT_HEADER, recipient_rows, report
from ..staff_forms import ActionForm, MailingForm, PreviewForm, ScheduleForm


@bp.get("/staff/outreach/messages")
@staff_required
def mailings():
    found = db.session.scalars(select(Mailing).where(Mailing.status != MailingStatus.WELCOME)
                               .order_by(Mailing.id.desc()).limit(200)).all()
    return render_template("outreach/mailings.html", mailings=found, labels=MailingStatus.LABELS)


@bp.route("/staff/outreach/messages/new", methods=["GET", "POST"])
@staff_required
def mailing_new():
    return _edit(None)


@bp.route("/staff/outreach/messages/<int:mailing_id>/edit", methods=["GET", "POST"])
@staff_required
def mailing_edit(mailing_id: int):
    mailing = found_or_404(Mailing, mailing_id)
    if mailing.status not in (MailingStatus.DRAFT, MailingStatus.WELCOME):
        flash("This message has been sent or scheduled: it can no longer be changed.", "error")
        return redirect(url_for("outreach.mailing", mailing_id=mailing.id))
    return _edit(mailing)


def _edit(mailing: Mailing | None):
    form = MailingForm(obj=mailing)
    form.topic_id.choices = {t.id: t.name for t in db.session.scalars(
        select(Topic).where(Topic.archived_at.is_(None)).order_by(Topic.name))}
    form.segment_id.choices = {s.id: s.name for s in db.session.scalars(select(Segment).order_by(Segment.name))}
    if not form.topic_id.choices or not form.segment_id.choices:
        flash("A message needs a topic and a segment: create them first.", "error")
    if form.validate_on_submit():
        mailing = mailing or Mailing(created_by_id=current_member().id)
        form.populate_obj(mailing)
        db.session.add(mailing)
        db.session.commit()
        flash("The message is saved as a draft.", "success")
        return redirect(url_for("outreach.mailing", mailing_id=mailing.id))
    return render_template("outreach/mailing_edit.html", form=form, mailing=mailing), 400 if form.errors else 200


@bp.get("/staff/outreach/messages/<int:mailing_id>")
@staff_required
def mailing(mailing_id: int):
    return _page(found_or_404(Mailing, mailing_id))


def _page(mailing: Mailing, problem: str | None = None, status: int = 200):
    preview_form = PreviewForm(request.args)
    count = None
    if mailing.status == MailingStatus.DRAFT:
        try:
            count = sending.check_ready(mailing)
        except sending.CannotSend as exc:
            problem = problem or str(exc)
    preview_member = _preview_member(mailing, preview_form.member_id.data if preview_form.validate() else None)
    preview = render(mailing, preview_member) if preview_member else None
    return render_template("outreach/mailing.html", mailing=mailing, count=count, problem=problem,
                           preview=preview, preview_member=preview_member, preview_form=preview_form,
                           report=report(mailing), form=ActionForm(), schedule_form=ScheduleForm(),
                           labels=MailingStatus.LABELS), status


def _preview_member(mailing: Mailing, member_id: int | None) -> Member | None:
    if member_id:
        return db.session.get(Member, member_id)
    if mailing.segment is not None:
        try:
            where = sending.audience(mailing)
        except sending.CannotSend:
            where = None
        if where is not None:
            first = db.session.scalar(select(Member).where(*where).order_by(Member.id).limit(1))
            if first:
                return first
    return current_member()


@bp.post("/staff/outreach/messages/<int:mailing_id>/test")
@staff_required
def mailing_test(mailing_id: int):
    mailing = found_or_404(Mailing, mailing_id)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired. Go back, reload the page and try again.")
    staff = current_member()
    rendered = render(mailing, staff)
    db.session.add(OutboxMessage(to_address=staff.email, subject=f"[Test] {rendered.subject}",
                                 body_text=rendered.text, body_html=rendered.html, kind="mailing-test"))
    db.session.commit()
    flash(f"A test is on its way to {staff.email}, filled in with your own details.", "success")
    return redirect(url_for("outreach.mailing", mailing_id=mailing.id))


@bp.post("/staff/outreach/messages/<int:mailing_id>/send")
@staff_required
def mailing_send(mailing_id: int):
    mailing = found_or_404(Mailing, mailing_id)
    schedule = ScheduleForm()
    if not schedule.validate_on_submit():
        return _page(mailing, "Give the time to send as a date and time, like 2026-12-24 09:00.", 400)
    try:
        when = _as_utc(schedule.when.data) if schedule.when.data else None
    except OverflowError:   # 31 December 9999, late evening: past the last date there is in UTC
        return _page(mailing, "Choose a time to send before the year 9999.", 400)
    try:
        claimed = sending.send(mailing.id, current_member(), when)
    except sending.CannotSend as exc:
        db.session.rollback()
        return _page(mailing, str(exc), 400)
    if not claimed:
        flash("This message was already sent or scheduled (perhaps by someone else): nothing more was done.", "error")
    elif when:
        flash(f"Scheduled for {schedule.when.data:%d %B %Y at %H:%M}.", "success")
    else:
        flash("Sending has started. The figures below fill in as it goes.", "success")
    return redirect(url_for("outreach.mailing", mailing_id=mailing.id))


def _as_utc(local: datetime) -> datetime:
    zone = ZoneInfo(current_app.config["ORG_TIMEZONE"])
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _change(mailing_id: int, wanted: str, done: str):
    mailing = found_or_404(Mailing, mailing_id)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired. Go back, reload the page and try again.")
    if sending.set_status(mailing.id, wanted):
        flash(done, "success")
    else:
        flash("The message is not in a state that allows this any more; the page shows where it is.", "error")
    return redirect(url_for("outreach.mailing", mailing_id=mailing.id))


@bp.post("/staff/outreach/messages/<int:mailing_id>/pause")
@staff_required
def mailing_pause(mailing_id: int):
    return _change(mailing_id, MailingStatus.PAUSED, "Paused: nothing more goes out until you resume.")


@bp.post("/staff/outreach/messages/<int:mailing_id>/resume")
@staff_required
def mailing_resume(mailing_id: int):
    return _change(mailing_id, MailingStatus.SENDING, "Sending again, from where it stopped.")


@bp.post("/staff/outreach/messages/<int:mailing_id>/unschedule")
@staff_required
def mailing_unschedule(mailing_id: int):
    return _change(mailing_id, MailingStatus.DRAFT, "No longer scheduled: the message is a draft again.")


@bp.post("/staff/outreach/messages/<int:mailing_id>/cancel")
@staff_required
def mailing_cancel(mailing_id: int):
    return _change(mailing_id, MailingStatus.CANCELLED, "Cancelled: nobody else gets it.")


@bp.get("/staff/outreach/messages/<int:mailing_id>/recipients.csv")
@staff_required
def mailing_recipients(mailing_id: int):
    mailing = found_or_404(Mailing, mailing_id)
    return csv_response(f"message-{mailing.id}-recipients.csv", RECIPIENT_HEADER, recipient_rows(mailing.id))
