"""E-mail topics: what bulk messages are about, and what members choose from."""
from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select

from ...admin.views import found_or_404
from ...core.access import staff_required
from ...core.timeutil import utcnow
from ...extensions import db
from .. import bp
from ..models import Topic, TopicChoice
from ..staff_forms import ActionForm, TopicForm


@bp.get("/staff/outreach/topics")
@staff_required
def topics():
    found = db.session.scalars(select(Topic).order_by(Topic.archived_at.is_not(None), Topic.name)).all()
    off = dict(db.session.execute(select(TopicChoice.topic_id, func.count()).where(TopicChoice.subscribed.is_(False))
                                  .group_by(TopicChoice.topic_id)).all())
    return render_template("outreach/topics.html", topics=found, turned_off=off, form=ActionForm())


@bp.route("/staff/outreach/topics/new", methods=["GET", "POST"])
@staff_required
def topic_new():
    return _edit(None)


@bp.route("/staff/outreach/topics/<int:topic_id>", methods=["GET", "POST"])
@staff_required
def topic_edit(topic_id: int):
    return _edit(found_or_404(Topic, topic_id))


def _edit(topic: Topic | None):
    form = TopicForm(obj=topic, data=None if topic else {"on_by_default": True})
    if form.validate_on_submit():
        name = form.name.data.strip()
        taken = db.session.scalar(select(Topic.id).where(func.lower(Topic.name) == name.lower()))
        if taken and (topic is None or taken != topic.id):
            form.name.errors.append("There is already a topic with this name.")
        else:
            topic = topic or Topic()
            topic.name, topic.description = name, (form.description.data or "").strip()
            topic.on_by_default = form.on_by_default.data
            db.session.add(topic)
            db.session.commit()
            flash(f"The topic “{topic.name}” is saved.", "success")
            return redirect(url_for("outreach.topics"))
    return render_template("outreach/topic_edit.html", form=form, topic=topic), 400 if form.errors else 200


@bp.post("/staff/outreach/topics/<int:topic_id>/archive")
@staff_required
def topic_archive(topic_id: int):
    topic = found_or_404(Topic, topic_id)
    if ActionForm().validate_on_submit():
        topic.archived_at = None if topic.archived_at else utcnow()
        db.session.commit()
        flash(f"“{topic.name}” is {'archived: no message can use it' if topic.archived_at else 'open again'}.",
              "success")
    return redirect(url_for("outreach.topics"))
