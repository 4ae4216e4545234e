"""Rows of the benchmark data set besides members: actions, sign-ups, funds, gifts and Stripe events.

Every function returns plain dicts with the same keys in every row, so each table is filled
with a few executemany batches. Ids are given explicitly so rows can point at each other
without reading anything back.
"""
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from leap_members.advocacy.demo import LETTER
from leap_members.advocacy.models import ActionKind, ActionStatus, SignupStatus
from leap_members.donations.models import GiftStatus, Kind
from leap_members.members.models import MembershipStatus, Verification

# Stripe ids of the generated data set; the webhook scenario's own ids use another prefix.
SUBSCRIPTION_PREFIX = "sub_bench_"
PRESETS = (2500, 5000, 10000, 25000, 1000, 3500)


@dataclass(frozen=True)
class MemberFacts:
    id: int
    email: str
    first_name: str
    last_name: str
    city: str
    category: str
    confirmed: bool
    verified: bool
    active: bool


def fee(amount: int) -> int:
    return round(amount * 0.022) + 30


# --- actions --------------------------------------------------------------------------------------

ACTION_PLAN = (
    # (kind, status, how many, popularity)
    (ActionKind.PETITION, ActionStatus.PUBLISHED, 8, 10.0),
    (ActionKind.LETTER, ActionStatus.PUBLISHED, 6, 4.0),
    (ActionKind.EVENT, ActionStatus.PUBLISHED, 8, 1.0),
    (ActionKind.SPEAKING, ActionStatus.PUBLISHED, 4, 0.3),
    (ActionKind.PETITION, ActionStatus.CLOSED, 3, 6.0),
    (ActionKind.EVENT, ActionStatus.ARCHIVED, 3, 1.0),
    (ActionKind.PETITION, ActionStatus.DRAFT, 2, 0.0),
)
TOPICS = ("treatment instead of jail for drug use", "mental-health crisis response teams", "ending cash bail",
          "sealing old records", "community policing", "safe-supply pilots", "police-community forums",
          "sentencing reform", "naloxone in every patrol car", "fair-chance hiring")


def action_rows(first_id: int, now: datetime, staff_id: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Actions of every kind and status, and the officials the letters go to."""
    actions, targets = [], []
    action_id = first_id
    for kind, status, count, popularity in ACTION_PLAN:
        for n in range(count):
            topic = TOPICS[(action_id + n) % len(TOPICS)]
            created = now - timedelta(days=rng.uniform(20, 400))
            published = created + timedelta(days=1) if status != ActionStatus.DRAFT else None
            starts = ends = None
            closes = now + timedelta(days=rng.uniform(3, 120)) if status == ActionStatus.PUBLISHED else None
            if kind == ActionKind.EVENT:
                offset = rng.uniform(2, 90) if status == ActionStatus.PUBLISHED else -rng.uniform(30, 200)
                starts = (now + timedelta(days=offset)).replace(minute=0, second=0, microsecond=0)
                ends = starts + timedelta(minutes=90)
                closes = None
            restricted = kind == ActionKind.SPEAKING and n % 2 == 1
            actions.append(dict(
                id=action_id, slug=f"bench-{kind}-{status}-{n + 1}", kind=kind, status=status,
                title=f"{ActionKind.LABELS[kind]}: {topic} ({n + 1})",
                summary=f"Members speak up for {topic}: a short {kind} that takes a few minutes.",
                description=f"What we ask and why, about {topic}. " * 6,
                timezone="America/New_York", closes_at=closes,
                allowed_categories="le_current,le_former" if restricted else "", verified_only=restricted,
                goal=rng.choice((1000, 5000, 20000)) if kind == ActionKind.PETITION else None,
                letter_subject=f"Please support {topic}" if kind == ActionKind.LETTER else None,
                letter_template=LETTER if kind == ActionKind.LETTER else None,
                starts_at=starts, ends_at=ends, online=kind == ActionKind.EVENT and n % 2 == 0,
                location=None if kind != ActionKind.EVENT or n % 2 == 0 else f"Community hall {n + 1}, Springfield",
                private_details="Join five minutes early." if kind == ActionKind.EVENT else None,
                capacity=rng.choice((40, 120, 400)) if kind == ActionKind.EVENT else None,
                created_by_id=staff_id, created_at=created, updated_at=created, published_at=published,
                closed_at=now - timedelta(days=5) if status == ActionStatus.CLOSED else None,
                archived_at=now - timedelta(days=3) if status == ActionStatus.ARCHIVED else None,
            ))
            if kind == ActionKind.LETTER:
                for position in range(3):
                    targets.append(dict(action_id=action_id, position=position, name=f"Sen. Official {position + 1}",
                                        title="Chair, Judiciary Committee",
                                        email=f"official{position + 1}@legislature.example", office=None))
            action_id += 1
    return actions, targets


def _eligible(action: dict, member: MemberFacts) -> bool:
    if not action["allowed_categories"]:
        return True
    return member.category in action["allowed_categories"].split(",") and member.verified


def signup_rows(actions: list[dict], members: list[MemberFacts], now: datetime,
                rng: random.Random) -> list[dict]:
    """About 0.6 sign-ups per member, popular actions first; event lists stop a little past capacity."""
    open_actions = [a for a in actions if a["status"] != ActionStatus.DRAFT]
    popularity = [next(p for k, s, c, p in ACTION_PLAN if k == a["kind"] and s == a["status"]) for a in open_actions]
    registered: dict[int, int] = {}
    rows = []
    for member in members:
        if not member.active or rng.random() > 0.3:
            continue
        chosen = {a["id"]: a for a in rng.choices(open_actions, weights=popularity, k=rng.randint(1, 3))}
        for action in chosen.values():
            if not _eligible(action, member):
                continue
            status, extra = _signup_status(action, member, registered, rng)
            if status is None:
                continue
            when = (action["published_at"] or now) + timedelta(hours=rng.uniform(1, 24 * 20))
            when = min(when, now)
            rows.append(dict(action_id=action["id"], member_id=member.id, status=status, queued_at=when,
                             created_at=when, updated_at=when,
                             decided_at=when + timedelta(days=2) if extra.get("decided") else None,
                             withdrawn_at=None, reminder_sent_at=None, letters_emailed=extra.get("letters", 0),
                             comment=extra.get("comment"), letter_subject=extra.get("subject"),
                             letter_body=extra.get("body"), signature=f"{member.first_name} {member.last_name[:1]}., "
                                                                       f"{member.city}",
                             availability=extra.get("availability"), topics=extra.get("topics"), staff_note=None))
    return rows


def _signup_status(action: dict, member: MemberFacts, registered: dict[int, int],
                   rng: random.Random) -> tuple[str | None, dict]:
    kind = action["kind"]
    if kind == ActionKind.PETITION:
        comment = "My years on the job taught me this is right." if rng.random() < 0.1 else None
        return SignupStatus.SIGNED, {"comment": comment}
    if kind == ActionKind.LETTER:
        return SignupStatus.SENT, {"subject": action["letter_subject"], "body": LETTER, "letters": 3}
    if kind == ActionKind.EVENT:
        taken = registered.get(action["id"], 0)
        capacity = action["capacity"]
        if taken >= capacity * 1.2:
            return None, {}
        registered[action["id"]] = taken + 1
        if rng.random() < 0.05:
            return SignupStatus.CANCELLED, {}
        return (SignupStatus.REGISTERED if taken < capacity else SignupStatus.WAITLISTED), {}
    status = rng.choices((SignupStatus.OFFERED, SignupStatus.ACCEPTED, SignupStatus.DECLINED, SignupStatus.WITHDRAWN),
                         weights=(50, 30, 15, 5))[0]
    decided = status in (SignupStatus.ACCEPTED, SignupStatus.DECLINED)
    return status, {"availability": "Weekday evenings", "topics": "My years on patrol", "decided": decided}


# --- gifts ----------------------------------------------------------------------------------------

FUNDS = ("Where it is needed most", "Speakers bureau", "Police-community forums", "Research and reports")


def fund_rows(now: datetime) -> list[dict]:
    return [dict(id=i + 1, name=name, description=f"Gifts for: {name.lower()}", active=True, position=i,
                 created_at=now - timedelta(days=800)) for i, name in enumerate(FUNDS)]


@dataclass
class GiftRows:
    donations: list[dict]
    recurring: list[dict]
    customers: list[dict]
    events: list[dict]


def _donation(ident: int, kind: str, donor: dict, amount: int, covered: bool, created: datetime,
              fund_id: int | None) -> dict:
    return dict(
        id=ident, kind=kind, status=GiftStatus.PENDING, member_id=donor["member_id"], fund_id=fund_id,
        recurring_gift_id=None, public_token=secrets.token_urlsafe(18), submission_key=None,
        stripe_checkout_session_id=None, checkout_url=None, stripe_customer_id=donor["customer"],
        stripe_payment_intent_id=None, stripe_charge_id=None, stripe_invoice_id=None,
        amount_cents=amount, fee_cents=fee(amount) if covered else 0,
        total_cents=amount + (fee(amount) if covered else 0), currency="usd", donor_email=donor["email"],
        donor_first_name=donor["first"], donor_last_name=donor["last"], anonymous=False, tribute_type=None,
        tribute_name=None, tribute_notify_email=None, paid_at=None, processing_at=None, failed_at=None,
        expired_at=None, failure_reason=None, refunded_cents=0, refunded_at=None, disputed_at=None,
        dispute_reason=None, refund_requested_at=None, receipt_number=None, created_at=created, updated_at=created)


def _paid(row: dict, when: datetime) -> None:
    row["paid_at"] = when
    row["status"] = GiftStatus.PAID
    row["receipt_number"] = f"LEAP-{when.year}-{row['id']:07d}"
    row["stripe_charge_id"] = f"ch_bench_{row['id']}"
    row["stripe_payment_intent_id"] = f"pi_bench_{row['id']}"


def _event(ident: str, type_: str, when: datetime) -> dict:
    return dict(stripe_event_id=ident, type=type_, stripe_created=int(when.timestamp()), outcome="applied",
                note="generated", payload=None, source="webhook", received_at=when, applied_at=when)


def gift_rows(members: list[MemberFacts], now: datetime, rng: random.Random) -> GiftRows:
    """One-time gifts from about 12% of the member count, monthly gifts from about 2.5%, each with charges."""
    out = GiftRows([], [], [], [])
    donors = [m for m in members if m.confirmed and m.active]
    customers: dict[int, str] = {}
    next_id = 1

    def donor() -> dict:
        if donors and rng.random() < 0.7:
            member = rng.choice(donors)
            customer = customers.setdefault(member.id, f"cus_bench_m{member.id}")
            return {"member_id": member.id, "email": member.email, "first": member.first_name,
                    "last": member.last_name, "customer": customer}
        n = rng.randrange(10**9)
        return {"member_id": None, "email": f"guest{n}@donors.example", "first": "Guest", "last": f"Donor {n}",
                "customer": f"cus_bench_g{n}"}

    for _ in range(max(1, len(members) * 12 // 100)):
        created = now - timedelta(days=rng.uniform(0, 5 * 365))
        row = _donation(next_id, Kind.ONE_TIME, donor(), rng.choice(PRESETS), rng.random() < 0.3, created,
                        rng.choice((None, 1, 2, 3, 4)))
        row["stripe_checkout_session_id"] = f"cs_bench_{next_id}"
        fate = rng.random()
        if fate < 0.03:
            row["expired_at"], row["status"] = created + timedelta(hours=24), GiftStatus.EXPIRED
        elif fate < 0.05:
            row["failed_at"], row["status"] = created + timedelta(minutes=3), GiftStatus.FAILED
            row["failure_reason"] = "The bank payment did not go through."
        else:
            _paid(row, created + timedelta(minutes=2))
            out.events.append(_event(f"evt_bench_cs_{next_id}", "checkout.session.completed", row["paid_at"]))
            if fate > 0.98:
                row["refunded_cents"], row["refunded_at"] = row["total_cents"], row["paid_at"] + timedelta(days=3)
                row["status"] = GiftStatus.REFUNDED
        out.donations.append(row)
        next_id += 1

    for gift_id in range(1, max(1, len(members) * 25 // 1000) + 1):
        who = donor()
        created = now - timedelta(days=rng.uniform(40, 3 * 365))
        amount, covered = rng.choice(PRESETS), rng.random() < 0.3
        status = rng.choices(("active", "past_due", "canceled"), weights=(80, 5, 15))[0]
        origin = _donation(next_id, Kind.MONTHLY, who, amount, covered, created, rng.choice((None, 1, 2)))
        out.recurring.append(dict(
            id=gift_id, stripe_subscription_id=f"{SUBSCRIPTION_PREFIX}{gift_id}", stripe_customer_id=who["customer"],
            member_id=who["member_id"], fund_id=origin["fund_id"], status=status,
            status_event_created=int(created.timestamp()), current_period_end=now + timedelta(days=rng.uniform(1, 30)),
            cancel_at_period_end=False, canceled_at=now - timedelta(days=10) if status == "canceled" else None,
            last_failure_at=None, last_failure_reason=None, last_failed_invoice_id=None,
            failed_payment_count=1 if status == "past_due" else 0, created_at=created, updated_at=created,
            **{key: origin[key] for key in ("amount_cents", "fee_cents", "total_cents", "currency", "donor_email",
                                            "donor_first_name", "donor_last_name", "anonymous", "tribute_type",
                                            "tribute_name", "tribute_notify_email")}))
        months = min(rng.randint(1, 12), max(1, (now - created).days // 30))
        for month in range(months):
            row = origin if month == 0 else _donation(next_id, Kind.MONTHLY, who, amount, covered,
                                                       created + timedelta(days=30 * month), origin["fund_id"])
            if month == 0:
                row["stripe_checkout_session_id"] = f"cs_bench_{next_id}"
            row["recurring_gift_id"] = gift_id
            row["stripe_invoice_id"] = f"in_bench_{gift_id}_{month}"
            _paid(row, row["created_at"] + timedelta(minutes=1))
            out.events.append(_event(f"evt_bench_in_{gift_id}_{month}", "invoice.paid", row["paid_at"]))
            out.donations.append(row)
            next_id += 1
    emails = {m.id: m.email for m in donors}
    out.customers = [dict(member_id=member_id, stripe_customer_id=customer, email=emails[member_id],
                          email_sync_pending=False, email_sync_error=None, created_at=now, updated_at=now)
                     for member_id, customer in customers.items()]
    return out


def active_subscriptions(recurring: list[dict]) -> list[str]:
    return [row["stripe_subscription_id"] for row in recurring if row["status"] == "active"]


def member_facts(rows) -> list[MemberFacts]:
    """MemberFacts from (id, email, first, last, city, category, confirmed_at, verification, status) rows."""
    return [MemberFacts(id=r[0], email=r[1], first_name=r[2], last_name=r[3], city=r[4], category=r[5],
                        confirmed=r[6] is not None, verified=r[7] == Verification.VERIFIED,
                        active=r[8] == MembershipStatus.ACTIVE) for r in rows]
