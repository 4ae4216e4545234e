"""Writing people: the signup helper matches instead of duplicating, merges what it is given, and
refuses bad input with a 400 that names the field and writes nothing."""
import pytest
from sqlalchemy import func, select

from leap_members.admin.models import AuditEvent
from leap_members.admin.records import timeline
from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage
from leap_members.members.models import Consent, Member
from leap_members.outreach.models import Suppression, TagChange
from leap_members.outreach.tags import create_tag, tag_member, tags_of
from tests.support.api import ApiClient, make_key, uuid_of
from tests.support.factories import make_member

DANA = {"given_name": "Dana", "family_name": "Cole", "email_addresses": [{"address": "Dana.Cole@Example.org"}],
        "phone_numbers": [{"number": "(555) 010-0100", "number_type": "Mobile"}],
        "postal_addresses": [{"locality": "Springfield", "region": "IL", "postal_code": "62701", "country": "US"}]}


def people_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Member))


def api_events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api").order_by(AuditEvent.id)))


def consents_of(member: Member) -> list[tuple[bool, str, str]]:
    return [(c.granted, c.source, c.wording) for c in
            db.session.scalars(select(Consent).where(Consent.member_id == member.id).order_by(Consent.id))]


def member_with_uuid(uuid: str) -> Member:
    return db.session.scalars(select(Member).where(Member.uuid == uuid)).one()


def test_a_new_person_is_made_unconfirmed_without_a_password_and_answers_201(api, app):
    response = api.post("people", {"person": DANA, "add_tags": []})
    assert response.status_code == 201, response.get_json()
    person = response.get_json()
    assert response.headers["Location"] == person["_links"]["self"]["href"]
    assert person["created_date"] == person["modified_date"]
    assert person["email_addresses"] == [{"primary": True, "address": "dana.cole@example.org",
                                          "status": "unsubscribed"}]
    member = member_with_uuid(uuid_of(person))
    assert (member.first_name, member.last_name, member.city, member.state, member.zip_code) == \
        ("Dana", "Cole", "Springfield", "IL", "62701")
    assert member.category == "citizen" and member.password_hash is None and member.email_confirmed_at is None
    assert member.phone_digits == "5550100100" and member.email_updates is False and consents_of(member) == []
    [event] = api_events()
    assert event.member_id == member.id and event.actor_label.startswith("API key 'Test sync'")
    assert event.summary == "Added Dana Cole <dana.cole@example.org> through the API"
    assert any("through the API" in entry.text for entry in timeline(member))   # on the member record


def test_post_takes_a_trailing_slash_the_fields_at_the_top_level_and_background_processing(api, app):
    assert api.post("people/", {"person": DANA}).status_code == 201
    other = dict(DANA, email_addresses=[{"address": "pat@example.org"}], phone_numbers=[])
    response = api.post("people/?background_processing=true", other)
    assert response.status_code == 201 and response.get_json()["given_name"] == "Dana"
    assert people_count() == 2


def test_an_address_already_here_whatever_its_case_updates_that_person_with_a_later_modified_date(api, app):
    member = make_member(email="dana.cole@example.org", first_name="D")
    created = api.get(f"people/{member.uuid}").get_json()
    response = api.post("people", {"person": {"given_name": "Dana", "email_addresses": [{"address": "DANA.COLE@example.ORG"}]}})
    assert response.status_code == 200 and uuid_of(response.get_json()) == member.uuid
    updated = response.get_json()
    assert updated["given_name"] == "Dana" and updated["modified_date"] > created["modified_date"]
    # The same request again changes nothing, and still counts as an update.
    again = api.post("people", {"person": {"given_name": "Dana", "email_addresses": [{"address": "dana.cole@example.org"}]}})
    assert again.get_json()["modified_date"] > updated["modified_date"]
    assert people_count() == 1
    assert [e.details["matched_by"] for e in api_events()] == ["email", "email"]


def test_without_an_address_a_phone_matches_whatever_its_punctuation(api, app):
    member = make_member(phone="(555) 010-0100")
    response = api.post("people", {"person": {"family_name": "Cole", "phone_numbers": [{"number": "+1 555.010.0100"}]}})
    assert response.status_code == 200 and uuid_of(response.get_json()) == member.uuid
    assert member_with_uuid(member.uuid).last_name == "Cole"
    nobody = api.post("people", {"person": {"given_name": "X", "phone_numbers": [{"number": "555 999 0000"}]}})
    assert nobody.status_code == 400 and "needs an e-mail address" in nobody.get_json()["error"]


def test_a_new_address_makes_a_new_person_even_when_someone_has_the_phone(api, app):
    # A shared household phone must not hand one member's record to another.
    member = make_member(phone="555-010-0100", email="first@example.org")
    response = api.post("people", {"person": dict(DANA, email_addresses=[{"address": "second@example.org"}])})
    assert response.status_code == 201 and uuid_of(response.get_json()) != member.uuid
    assert member_with_uuid(member.uuid).email == "first@example.org"


def test_fields_not_given_are_left_and_a_postal_code_alone_keeps_city_and_state(api, app):
    member = make_member(email="dana@example.org", phone="555-0100", city="Chicago", state="IL", zip_code="60601",
                         first_name="Dana")
    body = {"person": {"email_addresses": [{"address": "other@example.org"}, {"address": "dana@example.org"}],
                       "postal_addresses": [{"postal_code": "60602"}]}}
    assert api.post("people", body).status_code == 200
    member = member_with_uuid(member.uuid)
    assert (member.email, member.phone, member.first_name) == ("dana@example.org", "555-0100", "Dana")
    assert (member.city, member.state, member.zip_code) == ("Chicago", "IL", "60602")
    # An empty string clears an optional field; a state may be given by name.
    body = {"person": {"email_addresses": [{"address": "dana@example.org"}], "phone_numbers": [{"number": ""}],
                       "postal_addresses": [{"locality": "", "region": "wisconsin"}]}}
    assert api.post("people", body).status_code == 200
    member = member_with_uuid(member.uuid)
    assert (member.phone, member.phone_digits, member.city, member.state) == (None, None, "", "WI")


def test_the_primary_entry_is_the_one_kept(api, app):
    body = dict(DANA, email_addresses=[{"address": "work@example.org"}, {"address": "home@example.org", "primary": True}],
                postal_addresses=[{"postal_code": "10001"}, {"postal_code": "62701", "primary": True}])
    person = api.post("people", body).get_json()
    assert person["email_addresses"][0]["address"] == "home@example.org"
    assert person["postal_addresses"][0]["postal_code"] == "62701"


def test_custom_fields_merge_key_by_key_and_null_removes_one(api, app):
    member = make_member(email="dana@example.org", custom_fields={"ward": "7", "shirt": "M", "keep": True})
    body = {"person": {"email_addresses": [{"address": "dana@example.org"}],
                       "custom_fields": {"ward": 8, "shirt": None, "volunteer": True, "note": "hi"}}}
    person = api.post("people", body).get_json()
    assert person["custom_fields"] == {"ward": 8, "keep": True, "volunteer": True, "note": "hi"}
    assert member_with_uuid(member.uuid).custom_fields == person["custom_fields"]


def test_tags_are_added_and_removed_by_name_whatever_the_case_and_unknown_names_are_ignored(api, app):
    volunteers, donors = create_tag("Volunteers", None), create_tag("Donors", None)
    member = make_member(email="dana@example.org")
    tag_member(member, donors, None)
    db.session.commit()
    body = {"person": {"email_addresses": [{"address": "dana@example.org"}]},
            "add_tags": ["volunteers", "No such tag", " "], "remove_tags": ["DONORS", "x" * 200]}
    assert api.post("people", body).status_code == 200
    assert [tag.name for tag in tags_of(member)] == ["Volunteers"]
    assert db.session.scalar(select(func.count()).select_from(type(volunteers))) == 2   # none made
    sources = db.session.scalars(select(TagChange.source).where(TagChange.member_id == member.id,
                                                                TagChange.source != "member record"))
    assert list(sources) == ["API: Test sync", "API: Test sync"]
    event = api_events()[-1]
    assert event.details["tags_added"] == ["Volunteers"] and event.details["tags_removed"] == ["Donors"]
    both = api.post("people", dict(body, remove_tags=["Volunteers"]))
    assert both.status_code == 400 and "both name" in both.get_json()["error"]


def test_subscribed_and_unsubscribed_set_email_updates_with_a_consent_naming_the_key(api, app):
    member = make_member(email="dana@example.org", email_updates=False)

    def post(status):
        return api.post("people", {"person": {"email_addresses": [{"address": "dana@example.org", "status": status}]}})

    assert post("subscribed").get_json()["email_addresses"][0]["status"] == "subscribed"
    assert member_with_uuid(member.uuid).email_updates is True
    assert post("unsubscribed").get_json()["email_addresses"][0]["status"] == "unsubscribed"
    for status in ("bouncing", "spam complaint", "previous bounce"):   # our bounce handling's to set: ignored
        assert post(status).status_code == 200
    assert member_with_uuid(member.uuid).email_updates is False
    granted, source, wording = consents_of(member)[0]
    assert (granted, source) == (True, "API: Test sync") and wording.startswith("Subscribed through the API by API key 'Test sync'")
    assert [granted for granted, _, _ in consents_of(member)] == [True, False]
    assert any("Agreed to e-mail updates (via API: Test sync)" in entry.text for entry in timeline(member))


def test_a_subscription_does_not_lift_a_bounce(api, app):
    make_member(email="gone@example.org")
    db.session.add(Suppression(address="gone@example.org", reason="hard-bounce"))
    db.session.commit()
    person = api.post("people", {"person": {"email_addresses": [{"address": "gone@example.org", "status": "subscribed"}]}})
    assert person.get_json()["email_addresses"][0]["status"] == "bouncing"


def test_a_new_person_is_subscribed_only_when_the_request_or_the_key_says_so(app, client):
    plain = ApiClient(client, make_key())
    subscribing = ApiClient(client, make_key(name="Signup form", subscribe_new_people=True))

    def made(api, address, status=None):
        entry = {"address": address, **({"status": status} if status else {})}
        person = api.post("people", {"person": dict(DANA, email_addresses=[entry])}).get_json()
        return member_with_uuid(uuid_of(person))

    assert made(plain, "a@example.org").email_updates is False
    subscribed = made(plain, "b@example.org", "subscribed")
    assert subscribed.email_updates is True and consents_of(subscribed)[0][:2] == (True, "API: Test sync")
    assert made(subscribing, "c@example.org").email_updates is True
    refused = made(subscribing, "d@example.org", "unsubscribed")
    assert refused.email_updates is False and consents_of(refused)[0][:2] == (False, "API: Signup form")
    assert made(subscribing, "e@example.org", "bouncing").email_updates is True


def test_put_updates_that_person_and_nobody_else(api, app):
    member, other = make_member(email="dana@example.org"), make_member(email="other@example.org")
    response = api.put(f"people/{member.uuid}/", {"family_name": "Rivera", "custom_fields": {"ward": "3"},
                                                  "add_tags": []})
    assert response.status_code == 200 and response.get_json()["family_name"] == "Rivera"
    assert member_with_uuid(other.uuid).last_name != "Rivera"
    missing = api.put("people/no-such-person", {"family_name": "X"})
    assert missing.status_code == 404 and missing.get_json() == {"error": "Couldn't find person with id = no-such-person"}


def test_what_a_get_gives_can_be_put_back(api, app):
    member = make_member(category="le_former", email="dana@example.org", phone="555-0100", custom_fields={"a": 1})
    person = api.get(f"people/{member.uuid}").get_json()
    person["given_name"] = "Danielle"
    response = api.put(f"people/{member.uuid}", person)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["given_name"] == "Danielle" and response.get_json()["employer"]


def test_put_with_a_new_address_changes_it_unconfirmed_and_tells_the_old_one(api, app):
    member = make_member(email="dana@example.org")
    response = api.put(f"people/{member.uuid}", {"email_addresses": [{"address": "New.Dana@example.org"}]})
    assert response.status_code == 200
    member = member_with_uuid(member.uuid)
    assert member.email == "new.dana@example.org" and member.email_confirmed_at is None
    sent = dict(db.session.execute(select(OutboxMessage.kind, OutboxMessage.to_address)).all())
    assert sent == {"email-change-notice": "dana@example.org", "confirm-email": "new.dana@example.org"}
    details = api_events()[-1].details
    assert (details["old_email"], details["new_email"]) == ("dana@example.org", "new.dana@example.org")


def test_an_address_someone_else_has_or_a_staff_address_cannot_be_put(api, app):
    member, other = make_member(email="dana@example.org"), make_member(email="taken@example.org")
    staff = make_member(email="staff@example.org", role="staff")
    response = api.put(f"people/{member.uuid}", {"given_name": "Changed", "email_addresses": [{"address": "TAKEN@example.org"}]})
    assert response.status_code == 409
    assert response.get_json() == {"error": "Another person already has the e-mail address taken@example.org."}
    assert member_with_uuid(member.uuid).first_name != "Changed"
    refused = api.put(f"people/{staff.uuid}", {"email_addresses": [{"address": "elsewhere@example.org"}]})
    assert refused.status_code == 403 and "staff account" in refused.get_json()["error"]
    assert member_with_uuid(staff.uuid).email == "staff@example.org" and api_events() == []
    assert other.email == "taken@example.org"


def _with_person(**fields) -> dict:
    return {"person": dict(DANA, **fields)}


BAD_BODIES = [
    pytest.param(b"{not json", "The request body is not valid JSON.", id="not JSON"),
    pytest.param(b"[" * 100_000, "The request body is not valid JSON.", id="nested too deep"),
    pytest.param([DANA], "The request body must be a JSON object.", id="a list"),
    pytest.param({"person": DANA, "tags": ["x"]}, "Unknown field: tags.", id="unknown top-level field"),
    pytest.param(dict(DANA, nickname="D"), "Unknown field: nickname.", id="unknown field at the top level"),
    pytest.param(_with_person(nickname="D"), "Unknown field: person.nickname.", id="unknown person field"),
    pytest.param(_with_person(email_addresses=[{"address": "a@example.org", "verified": True}]),
                 "Unknown field: person.email_addresses[0].verified.", id="unknown e-mail field"),
    pytest.param({"person": "Dana"}, "person must be an object.", id="person a string"),
    pytest.param(_with_person(email_addresses={"address": "a@example.org"}),
                 "person.email_addresses must be an array.", id="e-mails an object"),
    pytest.param(_with_person(email_addresses=["a@example.org"]), "person.email_addresses[0] must be an object.",
                 id="e-mail a string"),
    pytest.param(_with_person(email_addresses=[{"address": 42}]), "person.email_addresses[0].address must be a string.",
                 id="address a number"),
    pytest.param(_with_person(email_addresses=[{"address": "nobody"}]), "is not a valid e-mail address",
                 id="not an address"),
    pytest.param(_with_person(email_addresses=[{"address": "a@example.org", "primary": "yes"}]),
                 "person.email_addresses[0].primary must be true or false.", id="primary a string"),
    pytest.param(_with_person(email_addresses=[{"address": "a@example.org", "status": "maybe"}]),
                 "person.email_addresses[0].status must be one of subscribed, unsubscribed", id="unknown status"),
    pytest.param(_with_person(given_name=["Dana"]), "person.given_name must be a string.", id="name a list"),
    pytest.param(_with_person(given_name="D" * 81), "person.given_name is longer than 80 characters.", id="name too long"),
    pytest.param(_with_person(family_name="Co\x00le"), "person.family_name contains a control character", id="NUL byte"),
    pytest.param(_with_person(given_name="  "), "person.given_name cannot be empty.", id="empty name"),
    pytest.param(_with_person(family_name=None), "A new person needs a family_name.", id="no family name"),
    pytest.param(_with_person(email_addresses=[]), "e-mail address (email_addresses)", id="no address"),
    pytest.param(_with_person(postal_addresses=[{"region": "Ontario"}]),
                 "person.postal_addresses[0].region “Ontario” is not a US state or territory", id="bad state"),
    pytest.param(_with_person(postal_addresses=[{"postal_code": "6270"}]), None, id="four-digit ZIP gets its zero"),
    pytest.param(_with_person(postal_addresses=[{"postal_code": "ABCDE"}]),
                 "person.postal_addresses[0].postal_code “ABCDE” is not a ZIP code", id="bad ZIP"),
    pytest.param(_with_person(postal_addresses=[{"locality": "x" * 101}]),
                 "person.postal_addresses[0].locality is longer than 100 characters.", id="city too long"),
    pytest.param(_with_person(postal_addresses=[{"address_lines": "1 Main St"}]),
                 "person.postal_addresses[0].address_lines must be an array.", id="lines a string"),
    pytest.param(_with_person(phone_numbers=[{"number": "call me"}]), "has no digits", id="phone without digits"),
    pytest.param(_with_person(phone_numbers=[{"number": 5550100}]), "person.phone_numbers[0].number must be a string.",
                 id="phone a number"),
    pytest.param(_with_person(custom_fields=["a"]), "person.custom_fields must be an object.", id="custom fields a list"),
    pytest.param(_with_person(custom_fields={"ward": {"n": 7}}), "person.custom_fields.ward must be a string, a number",
                 id="custom field an object"),
    pytest.param(_with_person(custom_fields={"ward": "\x00"}), "without NUL bytes", id="custom field NUL"),
    pytest.param(_with_person(custom_fields={"": 1}), "the name “” must be 1 to 100 characters", id="custom field no name"),
    pytest.param(_with_person(custom_fields={str(n): n for n in range(101)}), "more than 100 fields",
                 id="too many custom fields"),
    pytest.param(_with_person(languages_spoken="en"), "person.languages_spoken must be an array.", id="languages a string"),
    pytest.param({"person": DANA, "add_tags": "Volunteers"}, "add_tags must be an array.", id="tags a string"),
    pytest.param({"person": DANA, "remove_tags": [7]}, "remove_tags[0] must be a string.", id="tag a number"),
]


@pytest.mark.parametrize("body,message", BAD_BODIES)
def test_bad_input_is_a_400_naming_the_problem_and_nothing_is_written(api, app, body, message):
    response = api.post("people", body)
    if message is None:
        assert response.status_code == 201 and response.get_json()["postal_addresses"][0]["postal_code"] == "06270"
        return
    assert response.status_code == 400, response.get_json()
    assert message in response.get_json()["error"]
    assert people_count() == 0 and api_events() == []


def test_non_finite_numbers_are_refused(api, app):
    text = ('{"person": {"given_name": "A", "family_name": "B", "email_addresses": [{"address": "a@example.org"}], '
            '"custom_fields": {"x": NaN}}}')   # Python's json reads NaN; PostgreSQL's does not
    response = api.post("people", text.encode())
    assert response.status_code == 400 and "finite number" in response.get_json()["error"]


def test_a_read_only_key_cannot_write_people(read_api, app):
    member = make_member()
    assert read_api.post("people", {"person": DANA}).status_code == 403
    assert read_api.put(f"people/{member.uuid}", {"given_name": "X"}).status_code == 403
    assert people_count() == 1
