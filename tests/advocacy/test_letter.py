"""Letters to officials: staff targets and draft, the member's own words, signed and e-mailed."""
import pytest

from leap_members.advocacy.models import ActionKind
from tests.support.smtp import body_of


@pytest.fixture
def letter(make_action):
    return make_action(ActionKind.LETTER, slug="crisis-teams", title="Fund crisis teams")


@pytest.fixture
def writer(member_factory):
    return member_factory(first_name="Dana", last_name="Holloway", city="Long Beach", state="CA",
                          email="dana@example.org")


LETTER = "Dear legislator,\n\nI answered crisis calls for 21 years. Please fund the teams."


def test_the_form_starts_from_the_staff_draft_and_lists_the_officials(client, auth, writer, letter):
    auth.login(writer.email)
    html = client.get("/actions/crisis-teams").get_data(as_text=True)
    assert "Please fund crisis response teams this year." in html
    assert 'value="Fund crisis teams"' in html
    assert "Sen. Jordan Ellis, Chair, Judiciary" in html
    assert "Governor&#39;s office — State Capitol, Room 100 (delivered by LEAP staff)" in html


def test_the_members_letter_is_recorded_signed_and_emailed_to_officials_with_an_address(
        client, auth, writer, letter, signups, deliver):
    auth.login(writer.email)
    response = client.post("/actions/crisis-teams/sign-up",
                           data={"letter_subject": "Crisis teams save lives", "letter_body": LETTER},
                           follow_redirects=True)
    assert "your letter is on its way" in response.get_data(as_text=True)
    [row] = signups(letter.id)
    assert (row.status, row.letter_subject, row.letter_body) == ("sent", "Crisis teams save lives", LETTER)
    assert row.signature == "Dana Holloway\nLong Beach, CA"
    assert row.letters_emailed == 2
    inbox = deliver()
    for address in ("ellis@legislature.example", "morgan@legislature.example"):
        message = inbox.last_to(address)
        assert message["Subject"] == "Crisis teams save lives"
        assert message["Reply-To"] == "dana@example.org"
        body = body_of(message).replace("\r\n", "\n")
        assert "I answered crisis calls for 21 years." in body and "Dana Holloway\nLong Beach, CA" in body
    assert "Your letter was sent by e-mail to 2 officials" in body_of(inbox.last_to("dana@example.org"))
    assert len(inbox.messages) == 3


def test_the_page_then_shows_the_letter_as_sent(client, auth, writer, letter):
    auth.login(writer.email)
    client.post("/actions/crisis-teams/sign-up", data={"letter_subject": "S", "letter_body": LETTER})
    html = client.get("/actions/crisis-teams").get_data(as_text=True)
    assert "You sent this letter" in html and "e-mailed to 2 officials" in html
    assert 'name="letter_body"' not in html


def test_a_second_letter_is_not_sent(client, auth, writer, letter, signups, deliver):
    auth.login(writer.email)
    data = {"letter_subject": "S", "letter_body": LETTER}
    client.post("/actions/crisis-teams/sign-up", data=data)
    response = client.post("/actions/crisis-teams/sign-up", data=data, follow_redirects=True)
    assert "You have already sent this letter." in response.get_data(as_text=True)
    assert len(signups(letter.id)) == 1
    assert len(deliver().to("ellis@legislature.example")) == 1


def test_a_letter_over_five_thousand_characters_is_refused_beside_the_field(client, auth, writer, letter,
                                                                            signups, deliver):
    auth.login(writer.email)
    response = client.post("/actions/crisis-teams/sign-up",
                           data={"letter_subject": "S", "letter_body": "word " * 1001})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="letter_body-error"' in html and "Keep your letter to 5,000 characters or fewer" in html
    assert signups(letter.id) == [] and deliver().messages == []


@pytest.mark.parametrize("data, message", [
    ({"letter_subject": "", "letter_body": LETTER}, "Give your letter a subject."),
    ({"letter_subject": "S", "letter_body": ""}, "Write your letter"),
    ({"letter_subject": "S", "letter_body": "Too short"}, "Write at least 20 characters."),
    ({"letter_subject": "Line\r\nBcc: x@evil.example", "letter_body": LETTER}, "control characters"),
])
def test_an_incomplete_or_malformed_letter_is_refused(client, auth, writer, letter, signups, data, message):
    auth.login(writer.email)
    response = client.post("/actions/crisis-teams/sign-up", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert signups(letter.id) == []
