"""The requester's signed link: no account, the link is the key to their request's page."""
from sqlalchemy import select

from ..core.links import public_link
from ..core.tokens import TokenError, make_token, read_token
from ..extensions import db
from .models import SpeakerRequest

PURPOSE = "speaker-request"
# The link is mailed once and used until after the event (feedback comes after it).
MAX_AGE = 400 * 24 * 3600


def requester_token(request: SpeakerRequest) -> str:
    return make_token(PURPOSE, {"r": request.uuid})


def request_for_token(token: str) -> SpeakerRequest | None:
    """The request the token names; None if it is forged, expired or the request is gone."""
    try:
        data = read_token(PURPOSE, token, MAX_AGE)
    except TokenError:
        return None
    uuid = data.get("r")
    if not isinstance(uuid, str):
        return None
    return db.session.scalar(select(SpeakerRequest).where(SpeakerRequest.uuid == uuid))


def status_link(request: SpeakerRequest) -> str:
    """The full address of the requester's status page, for e-mails."""
    return public_link("speakers.request_status", token=requester_token(request))
