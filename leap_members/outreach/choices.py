"""A member's e-mail choices: each topic on or off, or no bulk mail at all, with the consent recorded."""
from sqlalchemy import select

from ..core.timeutil import utcnow
from ..core.tokens import TokenError, read_token
from ..extensions import db
from ..members.models import Consent, Member
from ..members.services import ConsentContext, record_consent
from .models import Mailing, Topic, TopicChoice
from .rendering import UNSUBSCRIBE_MAX_AGE, UNSUBSCRIBE_PURPOSE


def topic_wording(topic: Topic) -> str:
    """The words the member agreed to (or declined), kept with the consent."""
    return f"Send me “{topic.name}” e-mails" + (f": {topic.description}" if topic.description else ".")


def set_topic(member: Member, topic: Topic, subscribed: bool, context: ConsentContext) -> bool:
    """Record the member's choice for ``topic``; False if it was already so (nothing recorded)."""
    choice = db.session.get(TopicChoice, (member.id, topic.id))
    if choice is not None and choice.subscribed == subscribed:
        return False
    if choice is None:
        db.session.add(TopicChoice(member_id=member.id, topic_id=topic.id, subscribed=subscribed,
                                   source=context.source[:200]))
    else:
        choice.subscribed, choice.changed_at, choice.source = subscribed, utcnow(), context.source[:200]
    db.session.add(Consent(member_id=member.id, kind=f"topic:{topic.id}", granted=subscribed,
                           wording=topic_wording(topic), source=context.source[:200],
                           ip_address=context.ip_address))
    return True


def set_all_bulk(member: Member, wanted: bool, context: ConsentContext) -> bool:
    """Bulk mail on or off altogether (the signup's "e-mail updates"); False if already so."""
    if member.email_updates == wanted:
        return False
    member.email_updates = wanted
    record_consent(member, wanted, context)
    return True


def open_topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.archived_at.is_(None)).order_by(Topic.name)))


def read_unsubscribe_link(token: str) -> tuple[Member, Mailing]:
    """The member and message of an unsubscribe link; TokenError if it is not a good one."""
    data = read_token(UNSUBSCRIBE_PURPOSE, token, UNSUBSCRIBE_MAX_AGE)
    member = db.session.get(Member, data.get("member")) if isinstance(data.get("member"), int) else None
    mailing = db.session.get(Mailing, data.get("mailing")) if isinstance(data.get("mailing"), int) else None
    if member is None or mailing is None:
        raise TokenError(expired=False)
    return member, mailing
