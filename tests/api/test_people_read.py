"""Reading people: the OSDI shape, pages that never skip or repeat, filters, and what stays private."""
from datetime import timedelta

from sqlalchemy import update

from leap_members.core.timeutil import utcnow
from leap_members.extensions import db
from leap_members.members.models import Member, MembershipStatus
from leap_members.outreach.models import Suppression
from tests.support.api import HAL, uuid_of
from tests.support.factories import make_member


def test_a_person_reads_as_osdi_with_status_membership_and_links(api, app):
    member = make_member(category="le_former", first_name="Dana", last_name="Cole", email="dana@example.org",
                         phone="555-0100", email_updates=True, custom_fields={"ward": "7"})
    response = api.get(f"people/{member.uuid}")
    assert response.status_code == 200 and response.mimetype == HAL
    person = response.get_json()
    assert person["identifiers"] == [f"leap_members:{member.uuid}"]
    assert person["given_name"] == "Dana" and person["family_name"] == "Cole"
    assert person["email_addresses"] == [{"primary": True, "address": "dana@example.org", "status": "subscribed"}]
    assert person["phone_numbers"][0]["number"] == "555-0100"
    assert person["postal_addresses"][0] == {"primary": True, "locality": "Springfield", "region": "IL",
                                             "postal_code": "62701", "country": "US"}
    assert person["custom_fields"] == {"ward": "7"}
    assert person["leap:membership"] == {"category": "le_former", "status": "active", "verified": False}
    assert person["created_date"].endswith("Z") and person["modified_date"].endswith("Z")
    assert person["_links"]["self"]["href"] == f"http://localhost/api/v2/people/{member.uuid}"
    assert person["employer"] == "Springfield Police Department"


def test_a_private_affiliation_never_leaves_through_the_api(api, app):
    member = make_member(category="le_current", affiliation_private=True)
    person = api.get(f"people/{member.uuid}").get_json()
    assert "employer" not in person and "occupation" not in person
    assert "Springfield Police" not in api.get("people").get_data(as_text=True)


def test_email_status_follows_suppressions_and_choices(api, app):
    bouncing = make_member(email="gone@example.org", email_updates=True)
    out = make_member(email="out@example.org", email_updates=False)
    db.session.add(Suppression(address="gone@example.org", reason="hard-bounce"))
    db.session.commit()
    statuses = {p["email_addresses"][0]["address"]: p["email_addresses"][0]["status"]
                for p in api.get("people").get_json()["_embedded"]["osdi:people"]}
    assert statuses[bouncing.email] == "bouncing" and statuses[out.email] == "unsubscribed"


def test_the_extra_identifier_system_is_added_when_set(app_factory, client):
    application = app_factory(API_EXTRA_ID_SYSTEM="action_network")
    from tests.support.api import ApiClient, make_key
    with application.app_context():
        member = make_member()
        api = ApiClient(application.test_client(), make_key())
        person = api.get(f"people/{member.uuid}").get_json()
    assert person["identifiers"] == [f"leap_members:{member.uuid}", f"action_network:{member.uuid}"]


def test_walking_next_links_visits_every_person_once_even_when_people_change_meanwhile(api, app):
    members = [make_member() for _ in range(23)]
    now = utcnow()
    # Several people share one modified time: the id breaks the tie.
    db.session.execute(update(Member).values(updated_at=now))
    db.session.commit()
    seen, url, pages = [], "people?per_page=5", 0
    while url:
        body = api.get(url).get_json()
        pages += 1
        assert body["total_records"] == 23 and body["total_pages"] == 5 and body["per_page"] == 5
        assert list(body["_embedded"]) == ["osdi:people"]
        seen += [uuid_of(p) for p in body["_embedded"]["osdi:people"]]
        assert body["_links"]["osdi:people"] == [p["_links"]["self"] for p in body["_embedded"]["osdi:people"]]
        url = body["_links"].get("next", {}).get("href")
    assert pages == 5 and sorted(seen) == sorted(m.uuid for m in members) and len(set(seen)) == 23


def test_page_numbers_per_page_clamping_and_a_page_past_the_end(api, app):
    for _ in range(3):
        make_member()
    body = api.get("people/?per_page=500").get_json()
    assert body["per_page"] == 100 and len(body["_embedded"]["osdi:people"]) == 3
    second = api.get("people?per_page=2&page=2").get_json()
    assert len(second["_embedded"]["osdi:people"]) == 1 and "previous" in second["_links"]
    past = api.get("people?page=9")
    assert past.status_code == 200 and past.get_json()["_embedded"] == {"osdi:people": []}
    assert api.get("people?page=0").get_json() == {"error": "page must be 1 or more."}
    assert api.get("people?page=two").status_code == 400


def test_merged_records_are_not_listed_or_found(api, app):
    merged = make_member(status=MembershipStatus.MERGED)
    make_member()
    assert api.get("people").get_json()["total_records"] == 1
    response = api.get(f"people/{merged.uuid}")
    assert response.status_code == 404
    assert response.get_json() == {"error": f"Couldn't find person with id = {merged.uuid}"}


def test_filters_by_dates_and_email(api, app):
    old = make_member(email="old@example.org")
    new = make_member(email="New.Person@example.org".lower())
    db.session.execute(update(Member).where(Member.id == old.id)
                       .values(updated_at=utcnow() - timedelta(days=10), created_at=utcnow() - timedelta(days=10)))
    db.session.commit()
    since = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def found(expression):
        return [p["email_addresses"][0]["address"]
                for p in api.get("people", query_string={"filter": expression}).get_json()["_embedded"]["osdi:people"]]

    assert found(f"modified_date gt '{since}'") == [new.email]
    assert found(f"modified_date lt '{since}'") == [old.email]
    assert found(f"created_date gt '{since[:10]}' and email_address eq 'NEW.person@Example.org'") == [new.email]
    assert found("email_address eq 'nobody@example.org'") == []


def test_unsupported_filters_are_a_400_naming_the_part(api, app):
    def error(expression):
        response = api.get("people", query_string={"filter": expression})
        assert response.status_code == 400
        return response.get_json()["error"]

    assert "given_name" in error("given_name eq 'Ann'")
    assert "'ge'" in error("modified_date ge '2026-01-01'")
    assert "or" in error("modified_date gt '2026-01-01' or created_date gt '2026-01-01'")
    assert "date like" in error("modified_date gt 'yesterday'")
    assert "email_address" in error("email_address gt 'a@example.org'")
