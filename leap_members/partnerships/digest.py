"""The weekly digest: agreements whose term or notice period ends soon, e-mailed to staff via the outbox."""
from dataclasses import dataclass
from datetime import date, timedelta

import click
from email_validator import EmailNotValidError
from flask.cli import with_appcontext
from sqlalchemy import select

from ..core.links import public_link
from ..extensions import db
from ..mail.services import queue_email
from ..members.forms import normalise_email
from ..members.models import Member, MembershipStatus, Role
from ..outreach.audience import address_may_get
from .clock import local_today
from .history import LEAP_SHORT_NAME
from .models import Agreement
from .queries import DIGEST_WINDOW_DAYS, ending_within
from .rules import long_date


@dataclass(frozen=True)
class DigestItem:
    reference: str
    parties: str
    ends_on: date
    days_left: int
    reason: str
    notice: str | None
    renewal: str
    link: str


def staff_addresses() -> list[str]:
    """Every active staff member and admin with a confirmed address."""
    return list(db.session.scalars(select(Member.email).where(
        Member.role.in_((Role.STAFF, Role.ADMIN)), Member.status == MembershipStatus.ACTIVE,
        Member.email_confirmed_at.is_not(None)).order_by(Member.email)))


def agreement_link(agreement: Agreement) -> str:
    """The agreement's full address on the staff site."""
    return public_link("partnerships.show", agreement_id=agreement.id)


def digest_item(agreement: Agreement, today: date) -> DigestItem:
    """One agreement in force that ends soon (the digest lists only those: it has an end)."""
    ends_on = agreement.ends_on
    if ends_on is None:
        raise ValueError(f"agreement {agreement.reference} has no end: it does not belong in the digest")
    by_notice = agreement.notice_ends_on is not None and agreement.notice_ends_on == agreement.ends_on
    notice = None
    if agreement.notice_received_on:
        giver = agreement.party_name(agreement.notice_given_by, LEAP_SHORT_NAME) if agreement.notice_given_by else ""
        notice = f"written notice received {long_date(agreement.notice_received_on)}" + (f" from {giver}" if giver else "")
    renewal = agreement.renewal
    return DigestItem(
        reference=agreement.reference,
        parties=f"{agreement.party_name('a', LEAP_SHORT_NAME)} and {agreement.party_name('b', LEAP_SHORT_NAME)}",
        ends_on=ends_on, days_left=(ends_on - today).days,
        reason="notice period ends" if by_notice else "term ends", notice=notice,
        renewal=(f"renewal {renewal.reference} is {'signed' if renewal.signed_on else 'drafted, not yet signed'}"
                 if renewal else "no renewal recorded"),
        link=agreement_link(agreement))


def queue_agreement_digest(today: date, days: int, recipients: list[str]) -> tuple[int, list[DigestItem]]:
    """Queue the digest to each recipient, once per day and address; returns (queued, items)."""
    items = [digest_item(agreement, today) for agreement in ending_within(today, days)]
    if not items:
        return 0, items
    horizon = today + timedelta(days=days)
    subject = f"Partnership agreements ending within {days} days: {len(items)}"
    queued = 0
    for address in (address for address in recipients if address_may_get(address)):
        message = queue_email(address, subject, "partnerships_digest", kind="agreement-digest", transactional=False,
                              dedupe_key=f"agreement-digest:{today.isoformat()}:{days}:{address}"[:200],
                              items=items, today=today, horizon=horizon, days=days,
                              by_notice=[i for i in items if i.reason == "notice period ends"],
                              by_term=[i for i in items if i.reason == "term ends"],
                              list_link=_list_link(days))
        queued += message is not None
    return queued, items


def _list_link(days: int) -> str:
    return public_link("partnerships.index", ending_within=days)


def _checked_address(address: str) -> str:
    try:
        return normalise_email(address)
    except EmailNotValidError as exc:
        raise click.BadParameter(f"{address!r} is not a valid e-mail address ({exc}).", param_hint="--to") from exc


@click.command("send-agreement-digest")
@click.option("--to", "recipients", multiple=True, metavar="ADDRESS",
              help="Send to this address instead of every staff member (repeat for several).")
@click.option("--days", default=DIGEST_WINDOW_DAYS, show_default=True, type=click.IntRange(1, 3650),
              help="Report agreements ending within this many days.")
@click.option("--today", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Report as of this date (YYYY-MM-DD), e.g. to re-run a missed week. Default: today.")
@with_appcontext
def send_agreement_digest_command(recipients: tuple[str, ...], days: int, as_of) -> None:
    """Queue the weekly e-mail to staff about agreements ending within --days days (run from cron).

    Safe to run twice: each address gets the digest at most once per day. `flask send-mail`
    sends what is queued.
    """
    today = as_of.date() if as_of else local_today()
    addresses = [_checked_address(address) for address in recipients] or staff_addresses()
    if not addresses:
        raise click.ClickException("No staff member with a confirmed e-mail address to send the digest to; "
                                   "use --to ADDRESS.")
    queued, items = queue_agreement_digest(today, days, addresses)
    db.session.commit()
    if not items:
        click.echo(f"No agreement ends within {days} days of {today.isoformat()}: no e-mail queued.")
        return
    click.echo(f"{len(items)} agreement(s) end within {days} days; digest queued for {queued} of "
               f"{len(addresses)} address(es) (the others already had today's digest).")
