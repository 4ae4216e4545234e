"""Offers to speak or volunteer: the member offers, staff answer, the member sees the outcome."""
import pytest

from leap_members.advocacy.models import ActionKind
from tests.support.smtp import body_of


@pytest.fixture
def request_for_speakers(make_action):
    return make_action(ActionKind.SPEAKING, slug="civics-classes", title="Civics classes")


OFFER = {"availability": "Weekday mornings in April", "topics": "Twenty years in narcotics"}


def test_member_offers_and_sees_the_offer_waiting(client, auth, member, request_for_speakers, signups, deliver):
    auth.login(member.email)
    html = client.post("/actions/civics-classes/sign-up", data=OFFER, follow_redirects=True).get_data(as_text=True)
    assert "is waiting for an answer from staff" in html and "Weekday mornings in April" in html
    [row] = signups(request_for_speakers.id)
    assert (row.status, row.availability, row.topics) == ("offered", OFFER["availability"], OFFER["topics"])
    assert deliver().last_to(member.email)["Subject"] == "Thank you for your offer: Civics classes"


@pytest.mark.parametrize("missing, message", [("availability", "Tell us when you are available."),
                                              ("topics", "Tell us the topics you can cover.")])
def test_an_offer_needs_availability_and_topics(client, auth, member, request_for_speakers, signups, missing, message):
    auth.login(member.email)
    response = client.post("/actions/civics-classes/sign-up", data={**OFFER, missing: ""})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert signups(request_for_speakers.id) == []


def test_staff_accept_with_a_message_and_the_member_sees_it(client, auth, member, staff, request_for_speakers,
                                                            new_client, signups, deliver):
    member_client = new_client(member)
    member_client.post("/actions/civics-classes/sign-up", data=OFFER)
    [row] = signups(request_for_speakers.id)
    auth.login(staff.email)
    response = client.post(f"/staff/actions/{request_for_speakers.id}/signups/{row.id}/decide",
                           data={"note": "Lincoln High, April 9 at 10am.", "accept": "Accept"}, follow_redirects=True)
    assert "will be told: offer accepted" in response.get_data(as_text=True)
    html = member_client.get("/actions/civics-classes").get_data(as_text=True)
    assert "Staff accepted your offer" in html and "Lincoln High, April 9 at 10am." in html
    assert "Offer accepted" in member_client.get("/account/actions").get_data(as_text=True)
    body = body_of(deliver().last_to(member.email))
    assert "accepted your offer" in body and "Lincoln High" in body


def test_staff_decline_and_the_member_cannot_offer_again(client, auth, member, staff, request_for_speakers,
                                                         new_client, signups):
    member_client = new_client(member)
    member_client.post("/actions/civics-classes/sign-up", data=OFFER)
    [row] = signups(request_for_speakers.id)
    auth.login(staff.email)
    client.post(f"/staff/actions/{request_for_speakers.id}/signups/{row.id}/decide", data={"decline": "Decline"})
    assert "could not take up your offer" in member_client.get("/actions/civics-classes").get_data(as_text=True)
    again = member_client.post("/actions/civics-classes/sign-up", data=OFFER, follow_redirects=True)
    assert "already answered your offer" in again.get_data(as_text=True)
    assert [r.status for r in signups(request_for_speakers.id)] == ["declined"]


def test_member_withdraws_an_offer_and_may_offer_again(client, auth, member, request_for_speakers, signups):
    auth.login(member.email)
    client.post("/actions/civics-classes/sign-up", data=OFFER)
    response = client.post("/actions/civics-classes/withdraw", follow_redirects=True)
    assert "Your offer is withdrawn." in response.get_data(as_text=True)
    assert [r.status for r in signups(request_for_speakers.id)] == ["withdrawn"]
    client.post("/actions/civics-classes/sign-up", data={**OFFER, "topics": "Harm reduction"})
    assert [(r.status, r.topics) for r in signups(request_for_speakers.id)] == [("offered", "Harm reduction")]


def test_staff_cannot_decide_a_withdrawn_offer(client, auth, member, staff, request_for_speakers, new_client, signups):
    member_client = new_client(member)
    member_client.post("/actions/civics-classes/sign-up", data=OFFER)
    member_client.post("/actions/civics-classes/withdraw")
    [row] = signups(request_for_speakers.id)
    auth.login(staff.email)
    response = client.post(f"/staff/actions/{request_for_speakers.id}/signups/{row.id}/decide",
                           data={"accept": "Accept"}, follow_redirects=True)
    assert "has withdrawn this offer" in response.get_data(as_text=True)
    assert signups(request_for_speakers.id)[0].status == "withdrawn"
