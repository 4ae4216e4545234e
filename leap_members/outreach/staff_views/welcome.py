"""The welcome series: its steps, and who is at which."""
from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select

from ...admin.views import found_or_404
from ...core.access import staff_required
from ...extensions import db
from ...members.login import current_member
from .. import bp, welcome
from ..models import Mailing, MailingStatus, Topic, WelcomeStep
from ..staff_forms import ActionForm, WelcomeStepForm


@bp.get("/staff/outreach/welcome")
@staff_required
def welcome_series():
    return render_template("outreach/welcome.html", steps=welcome.progress(), members=welcome.members_at_steps(),
                           form=ActionForm())


@bp.route("/staff/outreach/welcome/new", methods=["GET", "POST"])
@staff_required
def welcome_step_new():
    form = WelcomeStepForm()
    form.topic_id.choices = {t.id: t.name for t in db.session.scalars(
        select(Topic).where(Topic.archived_at.is_(None)).order_by(Topic.name))}
    if form.validate_on_submit():
        mailing = Mailing(subject=form.subject.data, body_markdown=form.body_markdown.data, topic_id=form.topic_id.data,
                          status=MailingStatus.WELCOME, created_by_id=current_member().id)
        db.session.add(mailing)
        db.session.flush()
        position = (db.session.scalar(select(func.max(WelcomeStep.position))) or 0) + 1
        db.session.add(WelcomeStep(position=position, delay_days=form.delay_days.data, mailing_id=mailing.id))
        db.session.commit()
        flash(f"Step {position} is added: members who confirm from now on get it on day {form.delay_days.data}.",
              "success")
        return redirect(url_for("outreach.welcome_series"))
    return render_template("outreach/welcome_step.html", form=form), 400 if form.errors else 200


@bp.post("/staff/outreach/welcome/<int:step_id>/toggle")
@staff_required
def welcome_step_toggle(step_id: int):
    step = found_or_404(WelcomeStep, step_id)
    if ActionForm().validate_on_submit():
        step.active = not step.active
        db.session.commit()
        flash(f"Step {step.position} is {'on' if step.active else 'paused'}.", "success")
    return redirect(url_for("outreach.welcome_series"))
