"""Partner organisations and their contact people, with every change recorded."""
import pytest
from sqlalchemy import func, select

from leap_members.partnerships.models import Partner, PartnerContact, PartnershipChange


def partner_data(**overrides) -> dict:
    data = {"name": "Riverside Community Coalition", "kind": "community", "street": "12 River Road",
            "city": "Riverside", "state": "CA", "zip_code": "92501", "phone": "", "email": "", "notes": ""}
    data.update(overrides)
    return data


def partner_count(db) -> int:
    return db.session.scalar(select(func.count(Partner.id)))


def test_staff_add_a_partner_and_see_it_listed(staff_client, db, staff):
    response = staff_client.post("/staff/partnerships/partners/new", data=partner_data(email="Info@Riverside.org"))
    assert response.status_code == 302
    partner = db.session.scalar(select(Partner))
    assert (partner.name, partner.kind, partner.email) == ("Riverside Community Coalition", "community",
                                                          "info@riverside.org")
    assert partner.address_lines == ["12 River Road", "Riverside, CA 92501"]
    listing = staff_client.get("/staff/partnerships/partners").get_data(as_text=True)
    assert "Riverside Community Coalition" in listing and "Community organisation" in listing
    change = db.session.scalar(select(PartnershipChange).where(PartnershipChange.partner_id == partner.id))
    assert change.action == "partner-created" and change.actor_id == staff.id


@pytest.mark.parametrize("name", ["Riverside Community Coalition", "  riverside   COMMUNITY coalition "])
def test_the_same_organisation_cannot_be_added_twice(staff_client, db, make_partner, name):
    make_partner("Riverside Community Coalition", kind="community")
    response = staff_client.post("/staff/partnerships/partners/new", data=partner_data(name=name))
    assert response.status_code == 400
    assert "A partner with this name is already recorded." in response.get_data(as_text=True)
    assert partner_count(db) == 1


def test_renaming_to_another_partners_name_is_refused(staff_client, db, make_partner):
    make_partner("Riverside Community Coalition", kind="community")
    other = make_partner("Oakland Police Department")
    response = staff_client.post(f"/staff/partnerships/partners/{other.id}/edit",
                                 data=partner_data(name="riverside community coalition", kind="agency"))
    assert response.status_code == 400
    db.session.refresh(other)
    assert other.name == "Oakland Police Department"


@pytest.mark.parametrize("overrides, message", [
    ({"name": ""}, "Enter the organisation&#39;s name."),
    ({"kind": "militia"}, "Not a valid choice."),
    ({"zip_code": "9250"}, "Enter a 5-digit ZIP code"),
    ({"email": "not-an-address"}, "Enter a valid e-mail address."),
    ({"phone": "call me"}, "Use digits, spaces and + ( ) - only."),
    ({"name": "Bad\x00Name"}, "Remove the invisible control characters"),
])
def test_bad_partner_input_is_explained_and_nothing_saved(staff_client, db, overrides, message):
    response = staff_client.post("/staff/partnerships/partners/new", data=partner_data(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert partner_count(db) == 0


def test_editing_a_partner_records_old_and_new_values(staff_client, db, make_partner):
    partner = make_partner("Oakland Police Department", city="Oakland", state="CA", zip_code="94612")
    response = staff_client.post(f"/staff/partnerships/partners/{partner.id}/edit", data=partner_data(
        name="Oakland Police Department", kind="agency", street="455 7th Street", city="Oakland", state="CA",
        zip_code="94607"))
    assert response.status_code == 302
    change = db.session.scalars(select(PartnershipChange).order_by(PartnershipChange.id.desc())).first()
    assert change.action == "partner-edited"
    assert "ZIP code: 94612 → 94607" in change.details
    assert "Street: 800 East Monroe Street → 455 7th Street" in change.details
    assert "Kind" not in change.details  # unchanged fields are not listed
    page = staff_client.get(f"/staff/partnerships/partners/{partner.id}").get_data(as_text=True)
    assert "ZIP code: 94612 → 94607" in page


def test_contacts_are_added_and_removed_with_a_record(staff_client, db, make_partner):
    partner = make_partner()
    response = staff_client.post(f"/staff/partnerships/partners/{partner.id}/contacts", data={
        "name": "Sgt. Maria Alvarez", "title": "Community liaison", "email": "malvarez@example.gov", "phone": ""})
    assert response.status_code == 302
    contact = db.session.scalar(select(PartnerContact))
    page = staff_client.get(f"/staff/partnerships/partners/{partner.id}").get_data(as_text=True)
    assert "Sgt. Maria Alvarez" in page and "Community liaison" in page
    staff_client.post(f"/staff/partnerships/partners/{partner.id}/contacts/{contact.id}/remove")
    assert db.session.scalar(select(func.count(PartnerContact.id))) == 0
    actions = db.session.scalars(select(PartnershipChange.action).order_by(PartnershipChange.id)).all()
    assert actions == ["partner-created", "contact-added", "contact-removed"]


def test_a_contact_without_a_name_is_refused_beside_the_field(staff_client, db, make_partner):
    partner = make_partner()
    response = staff_client.post(f"/staff/partnerships/partners/{partner.id}/contacts",
                                 data={"name": "", "email": "x@example.org"})
    assert response.status_code == 400
    assert "Enter the contact&#39;s name." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PartnerContact.id))) == 0


def test_a_contact_of_another_partner_cannot_be_removed_through_this_one(staff_client, db, make_partner):
    first, second = make_partner(), make_partner()
    staff_client.post(f"/staff/partnerships/partners/{second.id}/contacts", data={"name": "Someone"})
    contact = db.session.scalar(select(PartnerContact))
    response = staff_client.post(f"/staff/partnerships/partners/{first.id}/contacts/{contact.id}/remove")
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(PartnerContact.id))) == 1


def test_partner_page_lists_its_agreements_on_either_side(staff_client, make_partner, make_agreement, today):
    partner, other = make_partner("Oakland Police Department"), make_partner("Oakland Youth Alliance", kind="community")
    as_b = make_agreement(partner=partner, signed_on=today)
    as_a = make_agreement(partner=other, party_a_partner_id=partner.id)
    page = staff_client.get(f"/staff/partnerships/partners/{partner.id}").get_data(as_text=True)
    assert as_b.reference in page and as_a.reference in page


def test_partner_search_finds_by_part_of_the_name(staff_client, make_partner):
    make_partner("Oakland Police Department")
    make_partner("Riverside Community Coalition", kind="community")
    page = staff_client.get("/staff/partnerships/partners?q=oakland").get_data(as_text=True)
    assert "Oakland Police Department" in page and "Riverside Community Coalition" not in page
