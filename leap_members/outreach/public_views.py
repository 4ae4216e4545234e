"""What members see: their e-mail choices, and the unsubscribe link of every bulk message.

The unsubscribe link needs no login: the signed per-recipient link is the credential. Its one-click
form (RFC 8058, what Gmail and Apple Mail send from their own "Unsubscribe" button) is a POST
without a CSRF token, as the RFC requires.
"""
from flask import abort, flash, redirect, render_template, request, url_for

from ..core.access import checks_its_own_access, login_required
from ..core.tokens import TokenError
from ..extensions import csrf, db
from ..members.login import current_member
from ..members.services import ConsentContext
from . import bp, engagement
from .audience import topic_choices
from .choices import open_topics, read_unsubscribe_link, set_all_bulk, set_topic
from .forms import EmailChoicesForm, UnsubscribeForm
from .reports import unsubscribe_source

ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


def _context(source: str) -> ConsentContext:
    return ConsentContext(source=source, ip_address=request.remote_addr)


@bp.route("/account/email-choices", methods=["GET", "POST"])
@login_required
def preferences():
    member = current_member()
    topics = open_topics()
    current = topic_choices(member)
    form = EmailChoicesForm(data={"email_updates": member.email_updates,
                                  "topics": [topic_id for topic_id, on in current.items() if on]})
    form.topics.choices = {topic.id: topic.name for topic in topics}
    if form.validate_on_submit():
        context = _context("preference centre")
        set_all_bulk(member, form.email_updates.data, context)
        chosen = set(form.topics.data or ())
        for topic in topics:
            if (topic.id in chosen) != current[topic.id]:
                set_topic(member, topic, topic.id in chosen, context)
        db.session.commit()
        flash("Your e-mail choices are saved.", "success")
        return redirect(url_for("outreach.preferences"))
    return render_template("outreach/preferences.html", form=form, topics=topics, member=member)


def _link_or_404(token: str):
    try:
        return read_unsubscribe_link(token)
    except TokenError:
        abort(404, "This unsubscribe link is not valid. Log in and open “E-mail choices” from your account.")


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@checks_its_own_access("anyone with the signed link")
def unsubscribe(token: str):
    member, mailing = _link_or_404(token)
    form = UnsubscribeForm()
    done = None
    if form.validate_on_submit():
        context = _context(unsubscribe_source("page", mailing.id))
        if form.scope.data == "all":
            set_all_bulk(member, False, context)
            done = "all"
        else:
            set_topic(member, mailing.topic, False, context)
            done = "topic"
        db.session.commit()
    return render_template("outreach/unsubscribe.html", form=form, topic=mailing.topic, address=masked(member.email),
                           done=done)


def masked(address: str) -> str:
    """Enough of the address to recognise it, not to learn it from a forwarded link."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


@bp.post("/unsubscribe/<token>/one-click")
@csrf.exempt   # RFC 8058: the mail client posts without a page; the signed link is the credential
@checks_its_own_access("anyone with the signed link (RFC 8058 one-click)")
def one_click_unsubscribe(token: str):
    member, mailing = _link_or_404(token)
    if request.form.get("List-Unsubscribe") != "One-Click":
        abort(400, f"A one-click unsubscribe posts “{ONE_CLICK_BODY}”.")
    set_topic(member, mailing.topic, False, _context(unsubscribe_source("one-click", mailing.id)))
    db.session.commit()
    return "You are unsubscribed.\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/e/o/<token>")
@checks_its_own_access("anyone: a signed link in a message that counts opens")
def opened(token: str):
    try:
        engagement.record(token, "open")
    except TokenError:
        pass   # an image: never an error page in someone's mail
    return engagement.PIXEL, 200, {"Content-Type": "image/gif", "Cache-Control": "no-store"}


@bp.get("/e/c/<token>")
@checks_its_own_access("anyone: a signed link in a message that counts clicks")
def click(token: str):
    try:
        url = engagement.record(token, "click")
    except TokenError:
        abort(404, "This link is not valid.")
    if not url:
        abort(404, "This link is not valid.")
    return redirect(url)
