"""Double opt-in: a signed, expiring link that confirms only on a POST."""
from urllib.parse import urlsplit

from sqlalchemy import select

from leap_members.members.models import Member
from tests.members.test_signup import GOOD_PASSWORD, signup_data


def join_and_get_link(client, deliver, mail_link) -> str:
    client.post("/join", data=signup_data())
    message = deliver().last_to("dana.holloway@example.org")
    return urlsplit(mail_link(message)).path


def test_following_the_link_shows_a_button_and_confirms_nothing(client, deliver, mail_link, db):
    path = join_and_get_link(client, deliver, mail_link)
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my e-mail address" in page.get_data(as_text=True)
    assert db.session.scalar(select(Member)).email_confirmed_at is None


def test_pressing_confirm_confirms_the_address(client, deliver, mail_link, db):
    path = join_and_get_link(client, deliver, mail_link)
    response = client.post(path, follow_redirects=True)
    assert "your e-mail address is confirmed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Member)).email_confirmed_at is not None


def test_a_tampered_link_is_refused(client, deliver, mail_link):
    path = join_and_get_link(client, deliver, mail_link)
    response = client.post(path[:-3] + "xyz")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_an_expired_link_is_refused(app, client, deliver, mail_link):
    path = join_and_get_link(client, deliver, mail_link)
    app.config["CONFIRM_TOKEN_MAX_AGE"] = -1  # every link is older than that
    response = client.post(path)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_member_can_ask_for_a_new_link(client, auth, deliver, mail_link, inbox):
    join_and_get_link(client, deliver, mail_link)
    auth.login("dana.holloway@example.org", GOOD_PASSWORD)
    inbox.clear()
    client.post("/account/resend-confirmation")
    assert len(deliver().to("dana.holloway@example.org")) == 1
