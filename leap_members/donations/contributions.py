"""What giving adds to the rest of the app: member timeline, merges, the donor flag, a dashboard panel."""
from flask import has_request_context, url_for
from sqlalchemy import func, select, update

from ..core.database import rows_changed
from ..core.monthly import per_month
from ..core.registry import MemberFlag, TimelineEvent, add_member_flag, dashboard_panel, merge_step, timeline_source
from ..extensions import db
from .amounts import dollars
from .models import Donation, RecurringGift, StripeCustomer
from .staff_queries import problem_monthly_gifts


@timeline_source
def gifts_timeline(member) -> list[TimelineEvent]:
    """Each paid gift of the member, and each monthly gift started."""
    events = []
    for gift in db.session.scalars(select(Donation).where(Donation.member_id == member.id,
                                                          Donation.paid_at.is_not(None))):
        text = f"Gave {dollars(gift.total_cents)} ({gift.kind_label.lower()})"
        if gift.refunded_cents:
            text += f", {dollars(gift.refunded_cents)} refunded"
        url = url_for("donations.staff_detail", donation_id=gift.id) if has_request_context() else None
        events.append(TimelineEvent(when=gift.paid_at or gift.created_at, kind="gift", text=text, url=url))
    for monthly in db.session.scalars(select(RecurringGift).where(RecurringGift.member_id == member.id)):
        events.append(TimelineEvent(when=monthly.created_at, kind="monthly-gift",
                                    text=f"Monthly gift of {dollars(monthly.total_cents)}: {monthly.status_label}"))
    return events


@merge_step
def move_gifts(source_id: int, target_id: int) -> dict[str, int]:
    """Gifts, monthly gifts and the Stripe customer link follow the merged member."""
    moved = {}
    moved["gifts"] = rows_changed(update(Donation).where(Donation.member_id == source_id).values(member_id=target_id))
    moved["monthly gifts"] = rows_changed(
        update(RecurringGift).where(RecurringGift.member_id == source_id).values(member_id=target_id))
    source_link = db.session.scalar(select(StripeCustomer).where(StripeCustomer.member_id == source_id))
    target_link = db.session.scalar(select(StripeCustomer).where(StripeCustomer.member_id == target_id))
    moved["Stripe customer link"] = 0
    if source_link is not None and target_link is None:
        source_link.member_id = target_id
        moved["Stripe customer link"] = 1
    elif source_link is not None:
        # The target keeps its own customer; the old customer's gifts keep their customer id.
        db.session.delete(source_link)
    db.session.flush()
    return moved


def _donor_ids():
    return select(Donation.member_id).where(Donation.member_id.is_not(None), Donation.paid_at.is_not(None))


add_member_flag(MemberFlag(name="donor", label="Has given", member_ids=_donor_ids))


@dashboard_panel
def donations_panel() -> tuple[str, dict]:
    """Money received per month (net of refunds) and the monthly gifts that need attention."""
    received = per_month(Donation.paid_at, func.sum(Donation.total_cents - Donation.refunded_cents),
                         Donation.paid_at.is_not(None))
    return "donations/_dashboard_panel.html", {"problem_gifts": problem_monthly_gifts(limit=10),
                                               "received_per_month": received}
