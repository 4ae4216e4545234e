"""Password reset by e-mail: signed, expiring, single use, and silent about who has an account."""
from urllib.parse import urlsplit

from tests.support.factories import PASSWORD

NEW = "a fresh passphrase for 2027"


def ask_for_reset(client, deliver, mail_link, email) -> str:
    client.post("/reset", data={"email": email})
    return urlsplit(mail_link(deliver().last_to(email))).path


def test_reset_link_sets_a_new_password(client, auth, deliver, mail_link, member):
    path = ask_for_reset(client, deliver, mail_link, member.email)
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW, "confirm_password": NEW})
    assert response.headers["Location"] == "/login"
    assert auth.login(member.email, PASSWORD).status_code == 200  # old password refused
    assert auth.login(member.email, NEW).status_code == 302


def test_reset_link_works_only_once(client, deliver, mail_link, member):
    path = ask_for_reset(client, deliver, mail_link, member.email)
    client.post(path, data={"password": NEW, "confirm_password": NEW})
    again = client.post(path, data={"password": "yet another passphrase", "confirm_password": "yet another passphrase"})
    assert again.status_code == 400
    assert "not valid" in again.get_data(as_text=True)


def test_expired_reset_link_is_refused(app, client, deliver, mail_link, member):
    path = ask_for_reset(client, deliver, mail_link, member.email)
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    assert client.post(path, data={"password": NEW, "confirm_password": NEW}).status_code == 400


def test_reset_ends_every_session(app, client, auth, deliver, mail_link, member):
    auth.login(member.email)
    logged_in = app.test_client()
    logged_in.set_cookie("leap_session", client.get_cookie("leap_session").value, domain="localhost")
    path = ask_for_reset(app.test_client(), deliver, mail_link, member.email)
    app.test_client().post(path, data={"password": NEW, "confirm_password": NEW})
    assert logged_in.get("/account").status_code == 302


def test_unknown_address_gets_the_same_answer_and_no_mail(client, deliver, member):
    known = client.post("/reset", data={"email": member.email}).get_data(as_text=True)
    unknown = client.post("/reset", data={"email": "stranger@example.org"}).get_data(as_text=True)
    assert known.replace(member.email, "X") == unknown.replace("stranger@example.org", "X")
    assert deliver().to("stranger@example.org") == []


def test_reset_refuses_a_weak_password(client, deliver, mail_link, member):
    path = ask_for_reset(client, deliver, mail_link, member.email)
    response = client.post(path, data={"password": "qwertyuiop12", "confirm_password": "qwertyuiop12"})
    assert response.status_code == 200
    assert "too common" in response.get_data(as_text=True) or "at least" in response.get_data(as_text=True)


def test_reset_confirms_an_unconfirmed_address(client, db, deliver, mail_link, member_factory):
    member = member_factory(confirmed=False)
    path = ask_for_reset(client, deliver, mail_link, member.email)
    client.post(path, data={"password": NEW, "confirm_password": NEW})
    db.session.refresh(member)
    assert member.email_confirmed
