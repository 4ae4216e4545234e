"""A bulk message for one member: merge fields, Markdown to HTML and plain text, the unsubscribe footer
and headers.

Merge fields are written ``{{ first_name }}``; an action's link ``{{ action:slug }}``. The Markdown
is rendered first (raw HTML off: it is shown as text) and the member's values put in afterwards,
escaped, so a name can neither format nor inject anything.
"""
import re
from dataclasses import dataclass
from html import escape

from flask import current_app
from markdown_it import MarkdownIt
from sqlalchemy import select

from ..advocacy.models import Action
from ..core.links import public_link
from ..core.tokens import make_token
from ..extensions import db
from ..members.categories import category_label
from ..members.geography import US_STATES
from ..members.models import Member
from .engagement import track
from .models import Mailing

FIELD = re.compile(r"\{\{\s*([a-z_]+)(?::([a-z0-9-]+))?\s*\}\}")
MEMBER_FIELDS = {
    "first_name": lambda m: m.first_name or "friend",
    "last_name": lambda m: m.last_name or "",
    "full_name": lambda m: " ".join(part for part in (m.first_name, m.last_name) if part) or "friend",
    "email": lambda m: m.email,
    "city": lambda m: m.city or "",
    "state": lambda m: US_STATES.get(m.state or "", m.state or ""),
    "category": lambda m: category_label(m.category),
}
FIELD_NAMES = (*MEMBER_FIELDS, "action:<slug>")
UNSUBSCRIBE_PURPOSE = "unsubscribe"
UNSUBSCRIBE_MAX_AGE = 400 * 24 * 3600     # links keep working for more than a year
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_markdown = MarkdownIt("commonmark", {"html": False})


class UnknownField(ValueError):
    """A merge field the message cannot fill; the message names it and lists those it can."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def check_fields(*texts: str) -> None:
    """Raise UnknownField for a field no member could fill, or an action that does not exist."""
    for found in (match for text in texts for match in FIELD.finditer(text)):
        name, argument = found.groups()
        if name == "action":
            if not argument or not db.session.scalar(select(Action.id).where(Action.slug == argument)):
                raise UnknownField(f"There is no action “{argument or ''}” for {found.group(0)}.")
        elif name not in MEMBER_FIELDS or argument:
            raise UnknownField(f"{found.group(0)} is not a merge field. Use one of: "
                               + ", ".join("{{ " + field + " }}" for field in FIELD_NAMES) + ".")


def unsubscribe_token(member_id: int, mailing_id: int) -> str:
    return make_token(UNSUBSCRIBE_PURPOSE, {"member": member_id, "mailing": mailing_id})


@dataclass(frozen=True)
class Prepared:
    """What every member's copy of a message shares: made once per message (per sending batch)."""
    mailing: Mailing
    html: str                               # the Markdown as HTML, fields still in
    text: str                               # the Markdown as plain text, fields still in
    actions: dict[str, tuple[str, str]]     # each action field: (plain text, HTML)


def prepare(mailing: Mailing) -> Prepared:
    actions: dict[str, tuple[str, str]] = {}
    for found in FIELD.finditer(mailing.subject + "\n" + mailing.body_markdown):
        name, slug = found.groups()
        if name != "action":
            continue
        action = db.session.scalar(select(Action).where(Action.slug == slug))
        url = public_link("advocacy.action", slug=slug) if action else ""
        actions[found.group(0)] = ((f"{action.title}: {url}", f'<a href="{escape(url)}">{escape(action.title)}</a>')
                                   if action else ("", ""))
    return Prepared(mailing=mailing, html=_markdown.render(mailing.body_markdown),
                    text=_LINK.sub(r"\1 (\2)", mailing.body_markdown), actions=actions)


def render(message: Mailing | Prepared, member: Member, outbox_id: int | None = None) -> Rendered:
    """The message as ``member`` gets it; with ``outbox_id``, and if the sender asked for it, with
    opens and clicks counted (engagement.py)."""
    prepared = message if isinstance(message, Prepared) else prepare(message)
    mailing = prepared.mailing
    token = unsubscribe_token(member.id, mailing.id)
    unsubscribe_url = public_link("outreach.unsubscribe", token=token)
    choices_url = public_link("outreach.preferences")

    def filled(text: str, as_html: bool) -> str:
        def value(found: re.Match) -> str:
            if found.group(0) in prepared.actions:
                return prepared.actions[found.group(0)][as_html]
            plain = MEMBER_FIELDS[found.group(1)](member) if found.group(1) in MEMBER_FIELDS else ""
            return escape(plain) if as_html else plain
        return FIELD.sub(value, text)

    subject, html, text = filled(mailing.subject, False), filled(prepared.html, True), filled(prepared.text, False)
    org = current_app.config["ORG_NAME"]
    address = current_app.config["ORG_ADDRESS"]
    why = f"You get this because you chose “{mailing.topic.name}” e-mails from {org}."
    text += (f"\n\n-- \n{why}\nUnsubscribe: {unsubscribe_url}\nChoose which e-mails you get: {choices_url}\n"
             + (f"{address}\n" if address else ""))
    html += (f'<hr><p style="font-size:13px;color:#555">{escape(why)}<br>'
             f'<a href="{escape(unsubscribe_url)}">Unsubscribe</a> · '
             f'<a href="{escape(choices_url)}">Choose which e-mails you get</a>'
             + (f"<br>{escape(address)}" if address else "") + "</p>")
    mailto = current_app.config["MAIL_UNSUBSCRIBE_ADDRESS"]
    one_click = public_link("outreach.one_click_unsubscribe", token=token)
    targets = [f"<{one_click}>"] + ([f"<mailto:{mailto}?subject=unsubscribe%20{token}>"] if mailto else [])
    headers = {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
               "List-Id": f"{mailing.topic.name} <topic-{mailing.topic_id}.{_list_domain()}>",
               "Precedence": "bulk"}
    if mailing.track_engagement and outbox_id is not None:
        html = track(html, outbox_id, skip=(unsubscribe_url, choices_url))
    return Rendered(subject=subject, text=text, html=_page(html), headers=headers)


def _page(body: str) -> str:
    return ('<!doctype html><html><body style="font-family:Georgia,serif;font-size:16px;line-height:1.5;'
            f'max-width:640px;margin:0 auto;padding:16px">{body}</body></html>')


def _list_domain() -> str:
    return current_app.config["PUBLIC_URL"].split("//", 1)[-1].split("/", 1)[0]
