"""The list of open actions and "my actions"."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from leap_members.advocacy.models import ActionKind, ActionSignup, ActionStatus
from leap_members.core.timeutil import utcnow
from tests.support.database import execute
from tests.support.factories import PASSWORD


def _titles_in_order(html: str, titles: list[str]) -> list[str]:
    found = [(html.index(t), t) for t in titles if t in html]
    return [t for _, t in sorted(found)]


def test_the_list_shows_open_actions_newest_first(client, auth, member, make_action):
    now = utcnow()
    make_action(title="Older petition", published_at=now - timedelta(days=5))
    make_action(ActionKind.LETTER, title="Newer letter", published_at=now - timedelta(days=1))
    make_action(title="Draft petition", status=ActionStatus.DRAFT)
    make_action(title="Closed petition", status=ActionStatus.CLOSED)
    make_action(title="Expired petition", closes_at=now - timedelta(hours=1))
    make_action(ActionKind.EVENT, title="Past event", starts_at=now - timedelta(hours=1))
    auth.login(member.email)
    html = client.get("/actions").get_data(as_text=True)
    assert _titles_in_order(html, ["Older petition", "Newer letter"]) == ["Newer letter", "Older petition"]
    for hidden in ("Draft petition", "Closed petition", "Expired petition", "Past event"):
        assert hidden not in html


def test_the_list_can_put_closing_soon_first_and_marks_them(client, auth, member, make_action):
    now = utcnow()
    make_action(title="No deadline", published_at=now)
    make_action(title="Closes in a month", closes_at=now + timedelta(days=30), published_at=now - timedelta(days=2))
    make_action(ActionKind.EVENT, title="Event in two days", starts_at=now + timedelta(days=2),
                published_at=now - timedelta(days=9))
    auth.login(member.email)
    html = client.get("/actions?sort=closing").get_data(as_text=True)
    assert _titles_in_order(html, ["No deadline", "Closes in a month", "Event in two days"]) == [
        "Event in two days", "Closes in a month", "No deadline"]
    assert html.count("Closing soon</span>") == 1


def test_the_list_filters_by_type(client, auth, member, make_action):
    make_action(title="A petition")
    make_action(ActionKind.EVENT, title="An event")
    auth.login(member.email)
    html = client.get("/actions?kind=event").get_data(as_text=True)
    assert "An event" in html and "A petition" not in html
    assert "A petition" in client.get("/actions?kind=nonsense").get_data(as_text=True)


def test_my_actions_lists_every_signup_with_its_status(client, auth, member, make_action, db):
    petition = make_action(title="Signed petition")
    event = make_action(ActionKind.EVENT, title="Full event", capacity=1)
    archived = make_action(title="Archived petition", status=ActionStatus.ARCHIVED)
    db.session.add_all([ActionSignup(action_id=petition.id, member_id=member.id, status="signed"),
                        ActionSignup(action_id=event.id, member_id=member.id, status="waitlisted"),
                        ActionSignup(action_id=archived.id, member_id=member.id, status="signed")])
    db.session.commit()
    auth.login(member.email)
    html = client.get("/account/actions").get_data(as_text=True)
    assert "Signed petition" in html and "Full event" in html and "Archived petition" in html
    assert "On the waiting list</span> (number 1)" in html
    assert html.count('class="badge badge--verified">Signed</span>') == 2


def test_my_actions_is_linked_from_the_account_page(client, auth, member):
    auth.login(member.email)
    assert 'href="/account/actions"' in client.get("/account").get_data(as_text=True)


def test_the_navigation_offers_take_action_to_members(client, auth, member):
    auth.login(member.email)
    assert 'href="/actions">Take action</a>' in client.get("/").get_data(as_text=True)


def test_seeding_demo_actions_is_idempotent_and_shows_every_type(runner, client, auth, member, db):
    first = runner.invoke(args=["seed-demo-actions"])
    assert "7 added" in first.output
    assert "0 added" in runner.invoke(args=["seed-demo-actions"]).output
    auth.login(member.email)
    html = client.get("/actions").get_data(as_text=True)
    for label in ("Petition", "Letter to officials", "Event or training", "Speaking or volunteering"):
        assert f'<span class="badge">{label}</span>' in html
    assert "End cash bail" not in html  # the demo draft stays a draft


def test_the_list_shows_each_change_at_once(client, auth, member, member_factory, make_action, db):
    petition = make_action(title="Treat addiction as health", goal=10)
    auth.login(member.email)
    assert "0 of 10 signatures" in client.get("/actions").get_data(as_text=True)
    db.session.add(ActionSignup(action_id=petition.id, member_id=member_factory().id, status="signed"))
    db.session.commit()
    assert "1 of 10 signatures" in client.get("/actions").get_data(as_text=True)
    petition.title = "Treat addiction as a health issue"
    db.session.commit()
    assert "Treat addiction as a health issue" in client.get("/actions").get_data(as_text=True)
    petition.status = ActionStatus.CLOSED
    db.session.commit()
    assert "Treat addiction" not in client.get("/actions").get_data(as_text=True)


def test_the_list_follows_the_clock_when_nothing_else_changes(client, auth, member, make_action, monkeypatch):
    from leap_members.advocacy import listing

    now = utcnow()
    make_action(title="Closes in ten days", closes_at=now + timedelta(days=10))
    auth.login(member.email)
    html = client.get("/actions").get_data(as_text=True)
    assert "Closes in ten days" in html and "Closing soon</span>" not in html
    monkeypatch.setattr(listing, "utcnow", lambda: now + timedelta(days=4))
    assert "Closing soon</span>" in client.get("/actions").get_data(as_text=True)
    monkeypatch.setattr(listing, "utcnow", lambda: now + timedelta(days=10, seconds=1))
    assert "Closes in ten days" not in client.get("/actions").get_data(as_text=True)


def test_the_list_is_served_from_memory_until_the_actions_change(app, client, auth, member, make_action, db,
                                                                   count_queries):
    make_action(title="Treat addiction as health", goal=10)
    auth.login(member.email, follow=True)   # the welcome message is shown on the page after login
    client.get("/actions")
    with count_queries() as counter:
        html = client.get("/actions").get_data(as_text=True)
    assert "Treat addiction as health" in html
    assert counter.count == 1   # the member, with the list's version in the same statement: no action rows read
    db.session.rollback()   # the test's own transaction would hold SQLite's write lock
    execute(app.config["SQLALCHEMY_DATABASE_URI"], "UPDATE actions SET title = 'Changed by hand'")
    db.session.rollback()   # the test's requests share one session; a served request starts afresh
    assert "Changed by hand" in client.get("/actions").get_data(as_text=True)


def test_nothing_is_kept_while_the_list_version_is_unknown(client, auth, member, make_action, db, count_queries):
    make_action(title="Treat addiction as health", goal=10)
    db.session.execute(text("DELETE FROM data_versions"))
    db.session.commit()
    auth.login(member.email)
    client.get("/actions")
    with count_queries() as counter:
        html = client.get("/actions").get_data(as_text=True)
    assert "Treat addiction as health" in html
    assert any("FROM actions" in statement for statement in counter.statements)   # read afresh


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _logged_in(app, email):
    client = app.test_client()
    token = CSRF_FIELD.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_kept_page_shows_each_member_their_own_session_and_nothing_of_another(app_factory, member_factory,
                                                                                  make_action):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_action(title="Treat addiction as health", goal=10)
        member_factory(first_name="Avery", last_name="Quillfeather", email="avery@example.org")
        member_factory(first_name="Blake", last_name="Thistlewood", email="blake@example.org")
    first, second = _logged_in(app, "avery@example.org"), _logged_in(app, "blake@example.org")
    assert "Welcome back, Avery" in first.get("/actions").get_data(as_text=True)   # built for Avery alone
    avery_page = first.get("/actions").get_data(as_text=True)
    assert "Welcome back, Blake" in second.get("/actions").get_data(as_text=True)
    blake_page = second.get("/actions").get_data(as_text=True)   # the page kept from Avery's view
    assert "Treat addiction as health" in blake_page
    for trace_of_avery in ("Avery", "Quillfeather", "avery@example.org"):
        assert trace_of_avery not in blake_page
    avery_token, blake_token = CSRF_FIELD.search(avery_page).group(1), CSRF_FIELD.search(blake_page).group(1)
    assert avery_token != blake_token
    assert avery_page.replace(avery_token, "") == blake_page.replace(blake_token, "")
    # The token in the kept page is Blake's own: it logs Blake out.
    assert second.post("/logout", data={"csrf_token": blake_token}).status_code == 302
    assert second.get("/actions").status_code == 302
    assert first.get("/actions").status_code == 200


def test_the_kept_page_signs_the_session_token_at_most_once_a_minute(app_factory, member_factory, make_action,
                                                                    monkeypatch):
    from itsdangerous import TimestampSigner
    from leap_members.core import pagecache

    signings = iter(range(10**9))
    real_timestamp = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real_timestamp(self) + next(signings))
    clock = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock[0])
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_action(title="Treat addiction as health", goal=10)
        member_factory(email="casey@example.org")
    client = _logged_in(app, "casey@example.org")
    client.get("/actions")   # the welcome message: built for Casey alone

    def token() -> str:
        return CSRF_FIELD.search(client.get("/actions").get_data(as_text=True)).group(1)

    first = token()
    clock[0] += 59
    assert token() == first   # every signing has its own time stamp: this one was kept
    clock[0] += 2
    later = token()
    assert later != first
    assert client.post("/logout", data={"csrf_token": later}).status_code == 302


def test_staff_and_members_each_get_their_own_menu(client, auth, member, staff, make_action):
    make_action(title="Treat addiction as health", goal=10)
    auth.login(staff.email, follow=True)
    assert ">Staff</a>" in client.get("/actions").get_data(as_text=True)
    auth.logout()
    auth.login(member.email, follow=True)
    html = client.get("/actions").get_data(as_text=True)   # not the staff page kept just now
    assert "Treat addiction as health" in html and ">Staff</a>" not in html


def test_a_waiting_message_is_shown_once_on_the_list(client, auth, member, make_action):
    make_action(title="Treat addiction as health", goal=10)
    auth.login(member.email)
    client.get("/actions")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your letter is on its way.")]
    assert "Your letter is on its way." in client.get("/actions").get_data(as_text=True)
    html = client.get("/actions").get_data(as_text=True)
    assert "Treat addiction as health" in html and "Your letter is on its way." not in html


def test_a_page_that_makes_the_session_its_own_token_is_never_shared(app_factory):
    from leap_members.core.pagecache import render_for_every_member
    from leap_members.members.forms import LoginForm

    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.test_request_context("/login"):
        with pytest.raises(RuntimeError, match="CSRF token"):
            render_for_every_member("members/login.html", staff=False, form=LoginForm())   # its hidden field
