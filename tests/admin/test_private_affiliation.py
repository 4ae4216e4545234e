"""“Keep my affiliation private”: agency and role are seen by staff and by nobody else."""
import pytest

from tests.security.routes import ALLOWED, ROUTES, dummy_url

SECRET_AGENCY = "Northfield Narcotics Task Force"
SECRET_ROLE = "Undercover detective"


@pytest.fixture
def private_officer(member_factory):
    return member_factory(category="le_current", organisation=SECRET_AGENCY, role_title=SECRET_ROLE,
                          affiliation_private=True, first_name="Quiet", last_name="Officer")


NON_STAFF_GET_ROUTES = [p for p in ROUTES if p.values[2] == "GET" and p.values[3] not in ("staff", "admin")]


@pytest.mark.parametrize("rule,endpoint,method,access", NON_STAFF_GET_ROUTES)
def test_no_page_visitors_or_members_can_open_shows_a_private_affiliation(app, as_role, private_officer,
                                                                          rule, endpoint, method, access):
    url = dummy_url(app, rule, endpoint, fill_int=private_officer.id)
    for role in ("anonymous", "member"):
        if role not in ALLOWED[access]:
            continue
        response = as_role(role).get(url)
        body = response.get_data().decode("utf-8", "replace")   # some answers are images
        response.close()
        assert SECRET_AGENCY not in body and SECRET_ROLE not in body, f"{url} shows it to {role}"


def test_staff_see_the_private_affiliation_marked_as_private(staff_client, private_officer):
    html = staff_client.get(f"/staff/members/{private_officer.id}").get_data(as_text=True)
    assert SECRET_AGENCY in html and SECRET_ROLE in html and "only staff may see" in html
    assert "Affiliation private" in staff_client.get("/staff/members").get_data(as_text=True)


def test_the_member_is_reminded_their_affiliation_stays_private_when_verified(staff_client, private_officer, deliver):
    prefix = f"claim{private_officer.id}-"
    staff_client.post(f"/staff/verification/{private_officer.id}", data={prefix + "decision": "approve"})
    from tests.support.smtp import body_of
    assert "only LEAP staff can see them" in body_of(deliver().last_to(private_officer.email))
