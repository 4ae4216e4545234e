"""The verification queue: pending claims, decisions with reasons, e-mail to the member, the badge."""
from sqlalchemy import select

from leap_members.admin.models import AuditEvent
from leap_members.mail.models import OutboxMessage
from tests.support.smtp import body_of


def _decide(client, member, decision, reason=""):
    prefix = f"claim{member.id}-"
    return client.post(f"/staff/verification/{member.id}",
                       data={prefix + "decision": decision, prefix + "reason": reason})


def test_the_queue_lists_pending_claims_with_the_details_given(staff_client, member_factory):
    claim = member_factory(category="cj_professional", organisation="Kings County DA", role_title="Prosecutor",
                           years_of_service=12)
    member_factory(category="citizen", last_name="NotAClaim")
    html = staff_client.get("/staff/verification").get_data(as_text=True)
    assert claim.full_name in html and "Kings County DA" in html and "Prosecutor" in html and ">12<" in html
    assert "NotAClaim" not in html


def test_approving_verifies_emails_the_member_and_shows_the_badge(staff_client, staff, member_factory, auth, client,
                                                                   deliver, db):
    claim = member_factory(category="le_current", email="officer@example.org")
    response = _decide(staff_client, claim, "approve", "Checked with the department.")
    assert response.status_code == 302
    db.session.refresh(claim)
    assert claim.verification == "verified" and claim.verified_at is not None
    message = deliver().last_to("officer@example.org")
    assert message["Subject"] == "Your LEAP membership is verified"
    assert "verified badge" in body_of(message) and "Checked with the department." in body_of(message)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "verification"))
    assert event.actor_id == staff.id and event.member_id == claim.id
    auth.login("officer@example.org")
    assert "badge--verified" in client.get("/account").get_data(as_text=True)
    assert "badge--verified" in staff_client.get("/staff/members").get_data(as_text=True)


def test_rejecting_needs_a_reason_which_the_member_is_told(staff_client, member_factory, deliver, db):
    claim = member_factory(category="le_former", email="former@example.org")
    response = _decide(staff_client, claim, "reject")
    assert response.status_code == 400
    assert "Tell the member why" in response.get_data(as_text=True)
    db.session.refresh(claim)
    assert claim.verification == "pending"
    assert _decide(staff_client, claim, "reject", "The agency has no record of your service.").status_code == 302
    db.session.refresh(claim)
    assert claim.verification == "rejected" and claim.verification_note == "The agency has no record of your service."
    body = body_of(deliver().last_to("former@example.org"))
    assert "could not verify" in body and "The agency has no record of your service." in body


def test_a_claim_is_decided_once_even_if_two_staff_press_the_button(staff_client, member_factory, db):
    claim = member_factory(category="le_current")
    _decide(staff_client, claim, "approve")
    response = _decide(staff_client, claim, "reject", "too late")
    assert response.status_code == 302
    db.session.refresh(claim)
    assert claim.verification == "verified"
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == claim.email,
                                                          OutboxMessage.kind.like("verification-%"))).all()
    assert len(sent) == 1
    assert "no longer waiting" in staff_client.get("/staff/verification").get_data(as_text=True)


def test_an_unknown_decision_is_refused(staff_client, member_factory):
    claim = member_factory(category="le_current")
    response = _decide(staff_client, claim, "maybe")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)


def test_the_dashboard_counts_pending_verifications(staff_client, member_factory):
    for _ in range(3):
        member_factory(category="policymaker")
    html = staff_client.get("/staff/").get_data(as_text=True)
    assert "Waiting for verification" in html and '<p class="big-number">3</p>' in html
