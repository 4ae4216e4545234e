"""Script and HTML stored in any text a member, donor, staff member or Stripe can supply is shown as text.

Every free-text column of every table gets a payload that names its column; then every GET
route is crawled, with every record's id, as a visitor, the member who owns the records and
an admin. No page may contain a payload unescaped, and each payload must be found (escaped)
on at least one page, so the crawl cannot pass by not looking. A new text column fails
``test_every_text_column_is_classified`` until someone decides which list it belongs in.
"""
import re

import pytest
from sqlalchemy import String, Text, select, update

from leap_members.extensions import db
from tests.support.clients import client_as
from tests.support.world import build_world

# Text people type (or Stripe sends) that pages show: each is filled with a payload.
FREE_TEXT = {
    "members": ("first_name", "last_name", "city", "zip_code", "phone", "organisation", "role_title",
                "verification_note"),
    "donation_funds": ("name", "description"),
    "donations": ("donor_first_name", "donor_last_name", "tribute_name", "failure_reason", "dispute_reason",
                  "receipt_number", "stripe_checkout_session_id", "stripe_customer_id", "stripe_payment_intent_id",
                  "stripe_charge_id", "stripe_invoice_id"),
    "recurring_gifts": ("donor_first_name", "donor_last_name", "tribute_name", "status", "last_failure_reason",
                        "last_failed_invoice_id", "stripe_subscription_id", "stripe_customer_id"),
    "stripe_customers": ("stripe_customer_id", "email_sync_error"),
    "stripe_events": ("stripe_event_id", "type", "note"),
    "actions": ("title", "summary", "description", "letter_subject", "letter_template", "location",
                "private_details"),
    "action_targets": ("name", "title", "office"),
    "action_signups": ("comment", "letter_subject", "letter_body", "signature", "availability", "topics",
                       "staff_note", "checked_in_by"),
    "event_guests": ("first_name", "last_name", "phone", "checked_in_by"),
    "staff_notes": ("author_label", "body"),
    "audit_events": ("actor_label", "summary"),
    "member_merges": ("source_name", "merged_by_label"),
    "member_imports": ("filename", "uploaded_by_label", "applied_by_label"),
    "consents": ("wording", "source", "ip_address"),
    "timeline_entries": ("title", "position", "outcome"),
    "partners": ("name", "street", "city", "zip_code", "phone", "notes"),
    "partner_contacts": ("name", "title", "phone"),
    "agreements": ("purpose", "party_a_responsibilities", "party_b_responsibilities", "signatory_a_name",
                   "signatory_a_title", "signatory_b_name", "signatory_b_title"),
    "partnership_changes": ("actor_name", "details"),
    "outbox_messages": ("subject", "body_text", "last_error"),
    "email_topics": ("name", "description"),
    "mailings": ("subject", "body_markdown"),
    "segments": ("name", "description", "query"),
    "tags": ("name",),
    "tag_changes": ("tag_name", "source"),
    # A provider's report is checked only loosely (an "@", no spaces): its address is free text too.
    "email_suppressions": ("address", "detail"),
    "email_delivery_events": ("address", "detail"),
    "api_keys": ("name", "created_by_label", "revoked_by_label"),
    "webhook_endpoints": ("name", "url", "created_by_label"),
    "webhook_deliveries": ("last_error",),
}
# Text columns that are not free text, and why no payload can reach them.
NOT_FREE_TEXT = {
    "validated e-mail address (email_validator refuses <, > and quotes)": (
        "members.email", "members.pending_email", "donations.donor_email", "donations.tribute_notify_email",
        "recurring_gifts.donor_email", "recurring_gifts.tribute_notify_email", "stripe_customers.email",
        "member_merges.source_email", "partners.email", "partner_contacts.email", "action_targets.email",
        "event_guests.email",
        "outbox_messages.to_address", "outbox_messages.reply_to"),
    "a code from a fixed list, checked by its form or set by the app": (
        "members.state", "members.category", "members.verification", "members.role", "members.status",
        "donations.kind", "donations.status", "donations.currency", "donations.tribute_type",
        "recurring_gifts.currency", "recurring_gifts.tribute_type", "actions.kind", "actions.status",
        "actions.timezone", "actions.allowed_categories", "actions.slug", "action_signups.status",
        "action_signups.attendance",
        "agreements.governing_state", "agreements.notice_given_by", "partners.kind", "partners.state",
        "audit_events.action", "consents.kind", "outbox_messages.kind", "stripe_events.outcome",
        "stripe_events.source", "partnership_changes.action", "mailings.status", "email_engagements.kind",
        "email_suppressions.reason", "email_delivery_events.kind", "email_delivery_events.source",
        "email_topic_choices.source", "outbox_messages.skipped_reason",
        "segments.include_ids", "segments.exclude_ids", "api_keys.scope", "api_keys.prefix", "members.phone_digits",
        "members.uuid", "tags.uuid", "segments.uuid", "donations.uuid", "actions.uuid", "action_signups.uuid",
        "webhook_deliveries.event", "webhook_deliveries.record_uuid", "webhook_deliveries.idempotency_key"),
    "secret or internal, never shown": (
        "members.password_hash", "members.session_token", "donations.public_token", "donations.submission_key",
        "agreements.submission_token", "outbox_messages.dedupe_key", "stripe_events.payload",
        "partners.name_key", "donations.checkout_url", "outbox_messages.message_id",
        "email_delivery_events.source_key", "email_engagements.url", "api_keys.key_hash",
        "webhook_endpoints.secret", "webhook_deliveries.body"),
    # The speakers bureau's tables (issue 24): no page reads them yet; each part that shows one moves its
    # free-text columns to FREE_TEXT, so the crawl checks them.
    "not read by any page yet": (
        "speaker_topics.name", "speaker_topics.description", "speaker_profiles.status",
        "speaker_profiles.public_description", "speaker_profiles.bio", "speaker_profiles.photo_type",
        "speaker_profiles.availability", "speaker_profiles.staff_note", "speaker_profiles.decided_by_label",
        "speaker_profiles.uuid", "speaker_requests.submission_key", "speaker_requests.status",
        "speaker_requests.organisation", "speaker_requests.contact_name", "speaker_requests.contact_email",
        "speaker_requests.contact_phone", "speaker_requests.event_type", "speaker_requests.timezone",
        "speaker_requests.venue", "speaker_requests.city", "speaker_requests.state", "speaker_requests.audience",
        "speaker_requests.format", "speaker_requests.language", "speaker_requests.fee_offered",
        "speaker_requests.notes", "speaker_requests.ip_address", "speaker_requests.closed_reason",
        "speaker_requests.uuid", "speaker_engagement_reports.audience_type", "speaker_engagement_reports.follow_ups",
        "speaker_feedback.comments", "speaker_history.kind", "speaker_history.text", "speaker_history.actor_label",
        "speaker_invitations.status", "speaker_invitations.message", "speaker_invitations.decline_reason",
        "speaker_invitations.invited_by_label"),
    "HTML the app renders from Markdown with raw HTML off (outreach/rendering.py), shown only in the "
    "development inbox": ("outbox_messages.body_html",),
    "parsed, then shown row by row: covered by a CSV with payloads below": ("member_imports.content",),
}
# Stored but shown on no page (checked: a payload here is never found by the crawl).
NOT_SHOWN = {"consents.wording", "consents.ip_address", "outbox_messages.last_error", "member_merges.source_name",
             "member_merges.merged_by_label", "stripe_customers.stripe_customer_id",
             "stripe_customers.email_sync_error",
             "stripe_events.stripe_event_id", "stripe_events.type", "stripe_events.note", "donations.stripe_charge_id",
             "donations.stripe_customer_id", "recurring_gifts.stripe_subscription_id",
             "recurring_gifts.stripe_customer_id", "recurring_gifts.last_failed_invoice_id",
             "recurring_gifts.tribute_name",
             # Shown beside their suppression, found by address: a payload in each column cannot match.
             "email_delivery_events.address", "email_delivery_events.detail"}

UNESCAPED = re.compile(r"<script>xss\(|<img src=x onerror=xss\(|<b zq\d")


def payload(number: int, row: int, length: int | None) -> str:
    """Markup naming column ``number``; the short form fits ten-character columns such as ZIP codes."""
    full = f"\"'><script>xss({number})</script><img src=x onerror=xss({number})>#{row}"
    return full if length is None or length >= len(full) else f"<b zq{number}>{row}"


def found(html: str, number: int) -> bool:
    return re.search(rf"xss\({number}\)|zq{number}(?!\d)", html) is not None


def poisoned_columns() -> list[tuple[str, str]]:
    return [(table, column) for table, columns in FREE_TEXT.items() for column in columns]


def poison_everything() -> dict[str, int]:
    """Put a payload in every free-text column of every row; return {table.column: payload number}."""
    numbers = {}
    tables = db.metadata.tables
    for number, (table_name, column) in enumerate(poisoned_columns(), start=1):
        table = tables[table_name]
        numbers[f"{table_name}.{column}"] = number
        length = getattr(table.c[column].type, "length", None)
        # Only where the world has a value: a gift that was never disputed shows no dispute reason.
        for (row_id,) in db.session.execute(select(table.c.id).where(table.c[column].is_not(None))).all():
            values = {column: payload(number, row_id, length)}
            if (table_name, column) == ("partners", "name"):
                values["name_key"] = values["name"].lower()
            db.session.execute(update(table).where(table.c.id == row_id).values(**values))
    number = len(numbers) + 1
    numbers["member_imports.content"] = number
    evil = payload(number, 0, None).replace('"', "").replace(",", "")
    csv = ("email,first name,last name,city,state,zip\n"
           f"not-an-address,{evil},{evil},Dayton,OH,45402\nnew.person@example.org,{evil},{evil},{evil},OH,45402\n")
    db.session.execute(update(db.metadata.tables["member_imports"]).values(content=csv))
    db.session.commit()
    return numbers


def test_every_text_column_is_classified():
    classified = {f"{t}.{c}" for t, c in poisoned_columns()}
    classified |= {name for names in NOT_FREE_TEXT.values() for name in names}
    text_columns = {f"{table.name}.{column.name}" for table in db.metadata.sorted_tables for column in table.columns
                    if isinstance(column.type, (String, Text))}
    assert text_columns - classified == set(), "classify these new text columns in this file"
    assert classified - text_columns == set(), "these columns no longer exist"


def crawl(app, world) -> dict[str, str]:
    """{"role GET url": html} for every GET route, every record, as a visitor, the owner and an admin."""
    pages = {}
    people = {"visitor": None, "owner": world.owner, "admin": world.admin}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for values in world.all_url_values(rule):
            url = rule.build(values, append_unknown=False)[1]
            for role, person in people.items():
                response = client_as(app, person).get(url)
                assert response.status_code < 500, f"{role} GET {url} -> {response.status_code}"
                if response.mimetype == "text/html":
                    pages[f"{role} GET {url}"] = response.get_data(as_text=True)
                response.close()
    return pages


def test_stored_markup_is_escaped_on_every_page_for_every_role(app):
    world = build_world()
    numbers = poison_everything()
    app.config["DEV_INBOX"] = True  # the development inbox shows stored mail too: include it
    pages = crawl(app, world)

    raw = [f"{page}: …{html[max(0, m.start() - 60):m.end() + 20]}…"
           for page, html in pages.items() for m in [UNESCAPED.search(html)] if m]
    assert not raw, "markup shown unescaped:\n" + "\n".join(raw)

    shown = {name for name, number in numbers.items() if any(found(html, number) for html in pages.values())}
    never_shown = set(numbers) - shown
    assert never_shown == NOT_SHOWN, (f"crawled {len(pages)} pages; payloads never found: "
                                      f"{sorted(never_shown - NOT_SHOWN)}; "
                                      f"now shown (take them out of NOT_SHOWN): {sorted(NOT_SHOWN - never_shown)}")


@pytest.mark.parametrize("path", ["/staff/members", "/staff/donations", "/staff/partnerships/", "/staff/audit"])
def test_search_terms_are_shown_as_text(app, path):
    world = build_world()
    term = "\"'><script>xss(0)</script>"
    html = client_as(app, world.admin).get(path, query_string={"q": term, "search": term}).get_data(as_text=True)
    assert not UNESCAPED.search(html)
