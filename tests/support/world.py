"""A small but complete world: one record of every kind, owned by one member, plus the people around it.

The security tests walk every route of the URL map with real ids taken from here, so a page
is not only refused or allowed but actually rendered with data in it. ``owner`` holds every
member-facing record (gifts, a monthly gift, sign-ups of every kind); ``other`` is a second
confirmed member who holds nothing, for the IDOR checks.
"""
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from leap_members.admin.models import AuditEvent, MemberImport, MemberMerge, StaffNote
from leap_members.advocacy.models import ActionKind, ActionSignup, ActionStatus, EventGuest
from leap_members.api.keys import create_key, revoke
from leap_members.api.models import WebhookDelivery, WebhookEndpoint
from leap_members.core.timeutil import utcnow
from leap_members.core.tokens import make_token
from leap_members.donations.models import Donation, Fund, RecurringGift, StripeCustomer, StripeEvent
from leap_members.donations.receipts import FIX_CARD_PURPOSE
from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage
from leap_members.members.models import Consent, MembershipStatus, Verification
from leap_members.members.services import CONFIRM_PURPOSE, RESET_PURPOSE, _password_fingerprint
from leap_members.outreach import engagement
from leap_members.outreach.models import (
    DeliveryEvent,
    Mailing,
    MailingStatus,
    Segment,
    Suppression,
    Topic,
    WelcomeStep,
)
from leap_members.outreach.rendering import unsubscribe_token
from leap_members.outreach.tags import create_tag, tag_member
from leap_members.partnerships import lifecycle
from leap_members.partnerships.models import Agreement, Partner, PartnerContact, PartnershipChange
from leap_members.public.models import TimelineEntry
from tests.advocacy.factories import build_action
from tests.support.factories import make_member

# What only the owner (and staff) may ever read: the IDOR tests look for these on other people's pages.
OWNER_SECRETS = {
    "email": "owner.private@example.org",
    "phone": "555-0142-77",
    "last_name": "Okonkwo-Private",
    "event_comment": "OWNER-EVENT-NOTE wheelchair access please",
    "letter_body": "OWNER-LETTER-BODY Dear senator, my own words about crisis teams.",
    "availability": "OWNER-AVAILABILITY weekends in Ohio",
    "topics": "OWNER-TOPICS reentry programmes",
    "staff_note": "OWNER-DECISION-NOTE see you in Columbus",
    "note_about_owner": "STAFF-ONLY-NOTE met at the Columbus training",
    "verification_note": "STAFF-ONLY-VERIFICATION checked against the Dayton PD roster",
    "receipt_number": None,   # filled in with the real number
    "gift_token": None,
    "monthly_amount": "$123.45",
    # The owner hosts the world's event; whom they checked in at the door is theirs and staff's to see.
    "guest_phone": "555-0199-31",
}

# API routes whose <uuid> names a record other than a person: endpoint -> the record in World.records.
API_RECORDS = {
    **dict.fromkeys(("api.donation",), "paid_gift"),
    **dict.fromkeys(("api.petition", "api.petition_signatures", "api.record_signature", "api.signature"), "petition"),
    **dict.fromkeys(("api.event", "api.event_attendances", "api.record_attendance", "api.attendance"), "event"),
    **dict.fromkeys(("api.advocacy_campaign", "api.campaign_outreaches", "api.outreach"), "letter"),
    **dict.fromkeys(("api.list_", "api.list_items", "api.list_item", "api.query", "api.query_items",
                     "api.query_item"), "segment"),
}


@dataclass
class World:
    owner: object
    other: object
    unconfirmed: object
    staff: object
    admin: object
    duplicate: object
    records: dict = field(default_factory=dict)     # name -> model instance
    tokens: dict = field(default_factory=dict)      # endpoint -> token for the owner's record
    secrets: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)         # name -> id of a record that a request may delete

    def person(self, role: str):
        return {"member": self.owner, "other_member": self.other, "unconfirmed": self.unconfirmed,
                "staff": self.staff, "admin": self.admin}[role]

    def candidates(self, endpoint: str, argument: str) -> list:
        """Real values for one URL argument of one endpoint, the owner's record first."""
        if argument == "token":
            return [self.tokens[endpoint]]
        if argument == "slug":  # the event first: every action route (calendar included) works for it
            return [self.records["event"].slug] + [a.slug for a in self.actions if a is not self.records["event"]]
        if argument == "uuid" and endpoint in API_RECORDS:   # the record of the path's collection
            return [self.records[API_RECORDS[endpoint]].uuid]
        if endpoint.startswith("advocacy.staff") and argument == "action_id":
            return [self.records["event"].id] + [a.id for a in self.actions if a is not self.records["event"]]
        values = {
            "action_id": [a.id for a in self.actions],
            "signup_id": [self.records["event_signup"].id],
            "guest_id": [self.records["event_guest"].id],
            "gift_id": [self.records["monthly"].id],
            "year": [self.records["paid_gift"].paid_at.year],
            "message_id": [self.records["outbox"].id],
            "donation_id": [self.records[name].id for name in ("paid_gift", "pending_gift", "failed_gift",
                                                                               "guest_gift", "monthly_charge")],
            "fund_id": [self.records["fund"].id],
            "entry_id": [self.records["timeline"].id],
            "import_id": [self.records["import"].id, self.records["applied_import"].id],
            "member_id": [m.id for m in (self.owner, self.other, self.unconfirmed, self.staff, self.admin,
                                         self.duplicate)],
            "agreement_id": [self.records["agreement"].id],
            "partner_id": [self.records["partner"].id],
            "contact_id": [self.records["contact"].id],
            "mailing_id": [self.records["mailing"].id, self.records["sent_mailing"].id],
            "topic_id": [self.records["topic"].id],
            "segment_id": [self.records["segment"].id],
            "step_id": [self.records["welcome_step"].id],
            "tag_id": [self.records["tag"].id],
            "filename": ["css/app.css"],
            "suppression_id": [self.records["suppression"].id],
            "uuid": [self.owner.uuid],   # the API (every route there answers 401 to a session)
            "signature_uuid": [self.records["petition_signup"].uuid],
            "attendance_uuid": [self.records["event_signup"].uuid],
            "outreach_uuid": [self.records["letter_signup"].uuid],
            "item_uuid": [self.owner.uuid],
            "tagging_id": [self.owner.uuid],
            "key_id": [self.records["api_key"].id, self.records["revoked_key"].id],
            # Ids, not rows: an admin's example may delete the endpoint and its deliveries with it.
            "endpoint_id": [self.ids["webhook"]],
            "delivery_id": [self.ids["delivery"]],
            "provider": ["ses"],   # an empty POST is "not an SNS message" (400), whoever sends it
        }
        return values[argument]

    @property
    def actions(self) -> list:
        return [self.records[name] for name in ("petition", "letter", "event", "speaking", "draft")]

    def url_values(self, rule) -> dict:
        """The first (owner's) value of every argument of ``rule``."""
        return {name: self.candidates(rule.endpoint, name)[0] for name in rule.arguments}

    def all_url_values(self, rule) -> list[dict]:
        """One dict per candidate value, varying one argument at a time (enough to reach every record)."""
        first = self.url_values(rule)
        combos = [first]
        for name in rule.arguments:
            for value in self.candidates(rule.endpoint, name)[1:]:
                combos.append(dict(first, **{name: value}))
        return combos


def build_world() -> World:
    """Create the world in the current app's database and commit it."""
    owner = make_member(category="le_former", email=OWNER_SECRETS["email"], first_name="Olu",
                        last_name=OWNER_SECRETS["last_name"], phone=OWNER_SECRETS["phone"],
                        verification=Verification.VERIFIED, verified_at=utcnow(),
                        verification_note=OWNER_SECRETS["verification_note"])
    world = World(
        owner=owner,
        other=make_member(email="other.member@example.org", first_name="Bea", last_name="Other"),
        unconfirmed=make_member(email="unconfirmed@example.org", confirmed=False),
        staff=make_member(role="staff", email="staff.person@example.org", first_name="Sam", last_name="Staff"),
        admin=make_member(role="admin", email="admin.person@example.org", first_name="Ada", last_name="Admin"),
        duplicate=make_member(email="olu.duplicate@example.org", first_name="Olu", last_name="Duplicate"),
        secrets=dict(OWNER_SECRETS),
    )
    records = world.records
    records["fund"] = fund = Fund(name="Speakers bureau", description="Sends members to speak", position=1)
    db.session.add(fund)
    db.session.flush()
    _gifts(world, fund)
    _actions(world)
    _staff_records(world)
    _partnerships(world)
    _outreach(world)
    _bounces(world)
    _tags(world)
    _api(world)
    db.session.commit()
    _tokens(world)
    world.secrets["receipt_number"] = records["paid_gift"].receipt_number
    world.secrets["gift_token"] = records["paid_gift"].public_token
    return world


def _gift(member, **fields) -> Donation:
    values = dict(kind="one_time", amount_cents=5000, total_cents=5000, donor_email=member.email if member else
                  "guest.donor@example.net", donor_first_name=member.first_name if member else "Gus",
                  donor_last_name=member.last_name if member else "Guest", member_id=member.id if member else None)
    values.update(fields)
    gift = Donation(**values)
    db.session.add(gift)
    db.session.flush()
    return gift


def _gifts(world: World, fund: Fund) -> None:
    owner, records = world.owner, world.records
    paid_at = utcnow() - timedelta(days=3)
    records["paid_gift"] = paid = _gift(owner, fund_id=fund.id, status="paid", paid_at=paid_at,
                                        tribute_type="memory", tribute_name="Sgt. Lee Park",
                                        stripe_checkout_session_id="cs_world_paid", stripe_payment_intent_id="pi_world",
                                        stripe_customer_id="cus_world_owner")
    paid.receipt_number = f"LEAP-{paid_at.year}-{paid.id:07d}"
    records["pending_gift"] = _gift(owner, stripe_checkout_session_id="cs_world_pending")
    records["failed_gift"] = _gift(owner, status="failed", failed_at=utcnow(),
                                   failure_reason="The bank payment did not go through.",
                                   stripe_checkout_session_id="cs_world_failed")
    records["guest_gift"] = guest = _gift(None, status="disputed", paid_at=paid_at, stripe_payment_intent_id="pi_guest",
                                          stripe_charge_id="ch_guest", stripe_checkout_session_id="cs_world_guest",
                                          disputed_at=utcnow(), dispute_reason="fraudulent")
    guest.receipt_number = f"LEAP-{paid_at.year}-{guest.id:07d}"
    records["monthly"] = monthly = RecurringGift(
        stripe_subscription_id="sub_world_owner", stripe_customer_id="cus_world_owner", member_id=owner.id,
        status="past_due", amount_cents=12345, total_cents=12345, donor_email=owner.email,
        donor_first_name=owner.first_name, donor_last_name=owner.last_name, last_failure_at=utcnow(),
        last_failure_reason="Your card was declined.", last_failed_invoice_id="in_world_failed",
        failed_payment_count=1, current_period_end=utcnow() + timedelta(days=20))
    db.session.add(monthly)
    db.session.flush()
    records["monthly_charge"] = charge = _gift(owner, kind="monthly", amount_cents=12345, total_cents=12345,
                                               recurring_gift_id=monthly.id, status="paid", paid_at=paid_at,
                                               stripe_invoice_id="in_world_paid", stripe_customer_id="cus_world_owner")
    charge.receipt_number = f"LEAP-{paid_at.year}-{charge.id:07d}"
    db.session.add(StripeCustomer(member_id=owner.id, stripe_customer_id="cus_world_owner", email=owner.email))
    db.session.add(StripeEvent(stripe_event_id="evt_world_1", type="checkout.session.completed",
                               stripe_created=int(time.time()), outcome="applied", note=f"gift {paid.id} paid",
                               applied_at=utcnow()))


def _actions(world: World) -> None:
    owner, records = world.owner, world.records
    records["petition"] = build_action(ActionKind.PETITION, slug="world-petition")
    records["letter"] = build_action(ActionKind.LETTER, slug="world-letter")
    records["event"] = build_action(ActionKind.EVENT, slug="world-event", capacity=10, online=False,
                                    location="Greater Columbus Convention Center", host_id=owner.id)
    records["speaking"] = build_action(ActionKind.SPEAKING, slug="world-speaking")
    records["draft"] = build_action(ActionKind.PETITION, slug="world-draft", status=ActionStatus.DRAFT)
    signups = {
        "petition_signup": ActionSignup(action_id=records["petition"].id, member_id=owner.id, status="signed",
                                        comment="Count me in."),
        "letter_signup": ActionSignup(action_id=records["letter"].id, member_id=owner.id, status="sent",
                                      letter_subject="Fund crisis teams", letter_body=OWNER_SECRETS["letter_body"],
                                      signature=f"{owner.full_name}\n{owner.city}, {owner.state}",
                                      letters_emailed=2),
        "event_signup": ActionSignup(action_id=records["event"].id, member_id=owner.id, status="registered",
                                     comment=OWNER_SECRETS["event_comment"], attendance="present",
                                     checked_in_at=utcnow(), checked_in_by=f"{owner.full_name} <{owner.email}>"),
        "speaking_signup": ActionSignup(action_id=records["speaking"].id, member_id=owner.id, status="accepted",
                                        availability=OWNER_SECRETS["availability"], topics=OWNER_SECRETS["topics"],
                                        staff_note=OWNER_SECRETS["staff_note"], decided_at=utcnow()),
    }
    db.session.add_all(signups.values())
    records["event_guest"] = EventGuest(action_id=records["event"].id, first_name="Gwen", last_name="Walkin",
                                        email="gwen.walkin@example.net", phone=OWNER_SECRETS["guest_phone"],
                                        checked_in_by=f"{owner.full_name} <{owner.email}>")
    db.session.add(records["event_guest"])
    db.session.flush()
    records.update(signups)


def _staff_records(world: World) -> None:
    owner, records = world.owner, world.records
    staff_label = f"{world.staff.full_name} <{world.staff.email}>"
    db.session.add(Consent(member_id=owner.id, kind="email_updates", granted=True, wording="Send me updates.",
                           source="/join", ip_address="203.0.113.7"))
    db.session.add(StaffNote(member_id=owner.id, author_id=world.staff.id, author_label=staff_label,
                             body=OWNER_SECRETS["note_about_owner"]))
    db.session.add(AuditEvent(action="verification", summary=f"Verified {owner.full_name}", member_id=owner.id,
                              actor_id=world.staff.id, actor_label=staff_label, details={}))
    world.duplicate.status = MembershipStatus.MERGED
    db.session.add(MemberMerge(source_member_id=world.duplicate.id, target_member_id=owner.id,
                               source_email=world.duplicate.email, source_name=world.duplicate.full_name,
                               moved={"signups": 0}, merged_by_label=staff_label))
    records["import"] = upload = MemberImport(
        filename="old-list.csv", uploaded_by_id=world.admin.id, uploaded_by_label=staff_label,
        content="email,first name,last name,city,state,zip\n"
                "new.person@example.org,Nia,New,Dayton,OH,45402\n"
                "not-an-address,Bad,Row,Dayton,OH,45402\n"
                f"{owner.email},Olu,Again,Dayton,OH,45402\n")
    records["applied_import"] = applied = MemberImport(
        filename="older-list.csv", uploaded_by_id=world.admin.id, uploaded_by_label=staff_label,
        content="email,first name,last name,city,state,zip\nnew.person@example.org,Nia,New,Dayton,OH,45402\n",
        applied_at=utcnow(), applied_by_label=staff_label, result={"new": 1, "existing": 0, "errors": 0, "rows": 1})
    records["timeline"] = entry = TimelineEntry(year=2019, title="Crisis teams funded", position="We testified.",
                                                outcome="The city funded two teams.", published=True)
    records["outbox"] = mail = OutboxMessage(to_address=owner.email, subject="Your receipt", kind="donation-receipt",
                                             body_text="Thank you for your gift.")
    db.session.add_all([upload, applied, entry, mail])
    db.session.flush()


def _partnerships(world: World) -> None:
    records = world.records
    records["partner"] = partner = Partner(name="Dayton Police Department", name_key="dayton police department",
                                           kind="agency", street="335 W Third St", city="Dayton", state="OH",
                                           zip_code="45402", phone="937-333-2677", email="chief@dayton.example",
                                           notes="Signed at the 2024 summit.")
    db.session.add(partner)
    db.session.flush()
    records["contact"] = contact = PartnerContact(partner_id=partner.id, name="Chief Kamran Afzal",
                                                  title="Chief of Police", email="afzal@dayton.example",
                                                  phone="937-333-1000")
    signed = date.today() - timedelta(days=30)
    records["agreement"] = agreement = Agreement(
        party_a_partner_id=None, party_b_partner_id=partner.id, purpose="Joint training on crisis response.",
        party_a_responsibilities="Provide trainers.", party_b_responsibilities="Provide a venue.",
        governing_state="OH", signed_on=signed, term_years=2, notice_days=90, signatory_a_name="Lt. Diane Goldstein",
        signatory_a_title="Executive Director", signatory_b_name="Kamran Afzal", signatory_b_title="Chief",
        created_by_id=world.staff.id)
    dates = lifecycle.schedule(signed, 2, None, 90)
    agreement.term_ends_on, agreement.notice_ends_on, agreement.ends_on = (
        dates.term_ends_on, dates.notice_ends_on, dates.ends_on)
    db.session.add_all([contact, agreement])
    db.session.flush()
    db.session.add(PartnershipChange(agreement_id=agreement.id, partner_id=partner.id, actor_id=world.staff.id,
                                     actor_name=world.staff.full_name, action="created", details="Agreement recorded."))


def _outreach(world: World) -> None:
    records = world.records
    records["topic"] = topic = Topic(name="Action alerts")
    records["segment"] = segment = Segment(name="Verified officers", query="verification=verified")
    db.session.add_all([topic, segment])
    db.session.flush()
    records["mailing"] = Mailing(subject="Hearing on Thursday", body_markdown="Come, {{ first_name }}.",
                                 topic_id=topic.id, segment_id=segment.id, created_by_id=world.staff.id)
    records["sent_mailing"] = Mailing(subject="Last week", body_markdown="Thanks.", topic_id=topic.id,
                                      segment_id=segment.id, status=MailingStatus.SENT, recipients=1)
    records["welcome_mailing"] = Mailing(subject="Welcome to LEAP", body_markdown="Glad you are here.",
                                         topic_id=topic.id, status=MailingStatus.WELCOME)
    db.session.add_all([records["mailing"], records["sent_mailing"], records["welcome_mailing"]])
    db.session.flush()
    records["welcome_step"] = WelcomeStep(position=1, delay_days=0, mailing_id=records["welcome_mailing"].id)
    db.session.add(records["welcome_step"])
    db.session.flush()


def _bounces(world: World) -> None:
    """An address that bounced, with the report behind it (the suppressions page)."""
    address = "bounced.reader@example.net"
    world.records["suppression"] = suppression = Suppression(address=address, reason="hard-bounce",
                                                             detail="550 5.1.1 mailbox unavailable")
    db.session.add_all([suppression, DeliveryEvent(source_key="generic:world-1", source="generic", kind="hard-bounce",
                                                   address=address, detail="550 5.1.1 mailbox unavailable",
                                                   occurred_at=utcnow())])
    db.session.flush()


def _tags(world: World) -> None:
    """A tag on the owner, put on from the record (so the timeline has a change)."""
    world.records["tag"] = tag = create_tag("Speakers bureau volunteers", world.staff)
    tag_member(world.owner, tag, world.staff)


def _api(world: World) -> None:
    """An API key in use, a revoked one, and a webhook endpoint whose delivery failed."""
    records, staff_label = world.records, f"{world.staff.full_name} <{world.staff.email}>"
    records["api_key"], _ = create_key("Mobilize sync", "write", staff_label)
    records["revoked_key"], _ = create_key("Old report", "read", staff_label)
    revoke(records["revoked_key"], f"{world.admin.full_name} <{world.admin.email}>")
    records["webhook"] = endpoint = WebhookEndpoint(name="Mobilize people", url="https://hooks.example.org/leap",
                                                    events=["person"], secret="world-webhook-secret",
                                                    created_by_label=staff_label)
    db.session.add(endpoint)
    db.session.flush()
    records["delivery"] = delivery = WebhookDelivery(
        endpoint_id=endpoint.id, event="person", record_uuid=world.owner.uuid,
        idempotency_key=f"person:{world.owner.uuid}", body="[]", attempts=12, last_status=500,
        last_error="HTTP 500: upstream broke", failed_at=utcnow())
    db.session.add(delivery)
    db.session.flush()
    world.ids.update(webhook=endpoint.id, delivery=delivery.id)


def _tokens(world: World) -> None:
    owner, records = world.owner, world.records
    public = records["paid_gift"].public_token
    world.tokens = {
        "members.confirm_email": make_token(CONFIRM_PURPOSE, {"id": owner.id, "email": owner.email}),
        "members.reset_password": make_token(RESET_PURPOSE, {"id": owner.id, "pw": _password_fingerprint(owner)}),
        "donations.thanks": public,
        "donations.cancelled": records["pending_gift"].public_token,
        "donations.receipt": public,
        "donations.fix_card": make_token(FIX_CARD_PURPOSE, {"id": records["monthly"].id,
                                                            "sub": records["monthly"].stripe_subscription_id}),
        "outreach.unsubscribe": unsubscribe_token(owner.id, records["sent_mailing"].id),
        "outreach.one_click_unsubscribe": unsubscribe_token(owner.id, records["sent_mailing"].id),
        "outreach.opened": make_token(engagement.PURPOSE, {"o": records["outbox"].id}),
        "outreach.click": make_token(engagement.PURPOSE, {"o": records["outbox"].id, "u": "https://leap.example/"}),
    }
