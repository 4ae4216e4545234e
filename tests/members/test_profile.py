"""The profile page: edit details, change e-mail with re-confirmation."""
from urllib.parse import urlsplit

from leap_members.core.signals import member_email_changed
from tests.support.factories import PASSWORD


def profile_data(member, **overrides):
    data = {"category": member.category, "first_name": member.first_name, "last_name": member.last_name,
            "city": member.city, "state": member.state, "zip_code": member.zip_code, "phone": "",
            "organisation": member.organisation or "", "role_title": member.role_title or "",
            "years_of_service": str(member.years_of_service or ""), "email_updates": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_member_edits_their_profile(client, auth, db, member):
    auth.login(member.email)
    response = client.post("/account/profile", data=profile_data(member, city="Peoria", phone="+1 309 555 0100"))
    assert response.status_code == 302
    db.session.refresh(member)
    assert (member.city, member.phone) == ("Peoria", "+1 309 555 0100")
    assert "Peoria" in client.get("/account").get_data(as_text=True)


def test_profile_form_shows_errors_and_keeps_input(client, auth, db, member):
    auth.login(member.email)
    response = client.post("/account/profile", data=profile_data(member, city="Peoria", zip_code="1"))
    html = response.get_data(as_text=True)
    assert 'id="zip_code-error"' in html and 'value="Peoria"' in html
    db.session.refresh(member)
    assert member.city == "Springfield"


def test_changing_professional_facts_sends_a_verified_member_back_to_review(client, auth, db, member_factory):
    officer = member_factory(category="le_current", verification="verified")
    auth.login(officer.email)
    client.post("/account/profile", data=profile_data(officer, organisation="Another Department"))
    db.session.refresh(officer)
    assert officer.verification == "pending"


def test_editing_only_the_address_keeps_verification(client, auth, db, member_factory):
    officer = member_factory(category="le_current", verification="verified")
    auth.login(officer.email)
    client.post("/account/profile", data=profile_data(officer, city="Joliet"))
    db.session.refresh(officer)
    assert officer.verification == "verified"


def test_profile_ignores_privileged_fields(client, auth, db, member):
    auth.login(member.email)
    client.post("/account/profile", data=profile_data(member, role="admin", status="suspended",
                                                      email="evil@example.org", verification="verified"))
    db.session.refresh(member)
    assert (member.role, member.status, member.verification) == ("member", "active", "not_applicable")
    assert member.email != "evil@example.org"


def test_withdrawing_consent_is_recorded(client, auth, db, member):
    from leap_members.members.models import Consent

    member.email_updates = True
    db.session.commit()
    auth.login(member.email)
    client.post("/account/profile", data=profile_data(member, email_updates=None))
    consent = db.session.query(Consent).filter_by(member_id=member.id).one()
    assert consent.granted is False and consent.source == "/account/profile"


def test_email_change_needs_the_current_password(client, auth, db, member):
    auth.login(member.email)
    response = client.post("/account/email", data={"new_email": "new@example.org", "current_password": "wrong"})
    assert "current password is not right" in response.get_data(as_text=True)
    db.session.refresh(member)
    assert member.pending_email is None


def test_email_changes_only_when_the_new_address_is_confirmed(client, auth, db, deliver, mail_link, member):
    old = member.email
    auth.login(member.email)
    client.post("/account/email", data={"new_email": "New.Address@Example.org", "current_password": PASSWORD})
    db.session.refresh(member)
    assert member.email == old and member.pending_email == "new.address@example.org"
    inbox = deliver()
    assert "changing" in inbox.last_to(old)["Subject"]
    path = urlsplit(mail_link(inbox.last_to("new.address@example.org"))).path

    changed = []
    member_email_changed.connect(changed.append, weak=False)
    try:
        client.post(path)
    finally:
        member_email_changed.disconnect(changed.append)
    db.session.refresh(member)
    assert member.email == "new.address@example.org" and member.pending_email is None
    assert [m.id for m in changed] == [member.id]
    assert auth.login("new.address@example.org").status_code == 302


def test_email_change_to_an_address_in_use_is_refused(client, auth, db, member, member_factory):
    other = member_factory(email="taken@example.org")
    auth.login(member.email)
    response = client.post("/account/email", data={"new_email": other.email, "current_password": PASSWORD})
    assert "Another account already uses" in response.get_data(as_text=True)


def test_confirming_a_new_address_taken_meanwhile_creates_no_duplicate(client, auth, db, deliver, mail_link,
                                                                       member, member_factory):
    auth.login(member.email)
    client.post("/account/email", data={"new_email": "race@example.org", "current_password": PASSWORD})
    path = urlsplit(mail_link(deliver().last_to("race@example.org"))).path
    member_factory(email="race@example.org")
    client.post(path)
    db.session.refresh(member)
    assert member.email != "race@example.org"
    from leap_members.members.models import Member
    assert db.session.query(Member).filter_by(email="race@example.org").count() == 1
