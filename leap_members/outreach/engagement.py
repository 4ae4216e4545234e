"""Opens and clicks, counted only for a message whose sender asked for it (off by default; the
privacy page says so).

An open is a one-pixel image; a click goes through a link of ours that names the message and the
address it leads to, signed, so it can only ever lead where the message itself pointed.
"""
import re
from html import escape, unescape

from sqlalchemy import select

from ..core.links import public_link
from ..core.tokens import make_token, read_token
from ..extensions import db
from ..mail.models import OutboxMessage
from .models import Engagement

PURPOSE = "engagement"
MAX_AGE = 400 * 24 * 3600
PIXEL = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
         b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
_HREF = re.compile(r'href="(https?://[^"]+)"')


def track(html: str, outbox_id: int, skip: tuple[str, ...]) -> str:
    """The HTML with its links going through ours and the pixel at the end (``skip``: links left as
    they are, such as unsubscribe)."""
    def through_us(found: re.Match) -> str:
        url = unescape(found.group(1))
        if url in skip:
            return found.group(0)
        token = make_token(PURPOSE, {"o": outbox_id, "u": url})
        return f'href="{escape(public_link("outreach.click", token=token))}"'
    pixel = public_link("outreach.opened", token=make_token(PURPOSE, {"o": outbox_id}))
    return _HREF.sub(through_us, html) + f'<img src="{escape(pixel)}" width="1" height="1" alt="">'


def record(token: str, kind: str) -> str | None:
    """Count an open or a click once per message row; the address to go on to (clicks), else None.
    Raises TokenError for a link that is not ours."""
    data = read_token(PURPOSE, token, MAX_AGE)
    outbox_id, url = data.get("o"), data.get("u")
    row = db.session.execute(select(OutboxMessage.id, OutboxMessage.mailing_id)
                             .where(OutboxMessage.id == outbox_id)).first() if isinstance(outbox_id, int) else None
    if row is not None and row.mailing_id is not None:
        seen = db.session.scalar(select(Engagement.id).where(Engagement.outbox_message_id == row.id,
                                                             Engagement.kind == kind, Engagement.url == url))
        if seen is None:
            db.session.add(Engagement(mailing_id=row.mailing_id, outbox_message_id=row.id, kind=kind, url=url))
            db.session.commit()
    return url if isinstance(url, str) else None
