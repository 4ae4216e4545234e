"""The list of open actions and "my actions"."""
from datetime import datetime, timedelta

from leap_members.advocacy.models import ActionKind, ActionSignup, ActionStatus
from leap_members.core.timeutil import utcnow
from tests.support.clients import client_as


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


def _signup(db, action, member, status, **fields):
    db.session.add(ActionSignup(action_id=action.id, member_id=member.id, status=status, **fields))
    db.session.commit()


def test_two_members_see_their_own_names_and_what_each_of_them_took(app, db, member_factory, make_action):
    petition = make_action(title="Treat addiction as health", goal=10)
    make_action(title="Fund crisis teams", goal=10)
    signer = member_factory(email="avery@example.org", first_name="Avery")
    other = member_factory(email="blake@example.org", first_name="Blake")
    _signup(db, petition, signer, "signed", created_at=datetime(2026, 3, 3, 17, 0))
    avery = client_as(app, signer).get("/actions").get_data(as_text=True)
    blake = client_as(app, other).get("/actions").get_data(as_text=True)
    assert "Avery · My account" in avery and "Blake" not in avery
    assert "Blake · My account" in blake and "Avery" not in blake
    assert "You signed on March 3" in avery and "You signed on" not in blake
    # Not taken first: Avery's signed petition goes below the one still open to them.
    assert _titles_in_order(avery, ["Treat addiction as health", "Fund crisis teams"]) == [
        "Fund crisis teams", "Treat addiction as health"]
    assert _titles_in_order(blake, ["Treat addiction as health", "Fund crisis teams"]) == [
        "Fund crisis teams", "Treat addiction as health"]   # newest first, as before


def test_each_kind_of_taking_part_is_said_in_words(client, auth, member, member_factory, make_action, db):
    full = make_action(ActionKind.EVENT, title="Town hall", capacity=1)
    letter = make_action(ActionKind.LETTER, title="Write to the governor")
    speaking = make_action(ActionKind.SPEAKING, title="Speak at the college")
    left = make_action(ActionKind.EVENT, title="Training day", capacity=5)
    ahead = [member_factory(), member_factory(), member_factory()]
    _signup(db, full, member_factory(), "registered")
    for number, other in enumerate(ahead):
        _signup(db, full, other, "waitlisted", queued_at=utcnow() - timedelta(minutes=10 - number))
    _signup(db, full, member, "waitlisted", queued_at=utcnow())
    _signup(db, letter, member, "sent", created_at=datetime(2026, 11, 21, 15, 0))
    _signup(db, speaking, member, "offered")
    _signup(db, left, member, "cancelled")   # the member left: theirs to take again
    auth.login(member.email)
    html = client.get("/actions").get_data(as_text=True)
    assert "Waiting list: 4th" in html
    assert "You sent your letter on November 21" in html
    assert "Offer sent" in html
    taken = client.get("/actions?taken=yes").get_data(as_text=True)
    assert all(title in taken for title in ("Town hall", "Write to the governor", "Speak at the college"))
    assert "Training day" not in taken
    not_taken = client.get("/actions?taken=no").get_data(as_text=True)
    assert "Training day" in not_taken and "Town hall" not in not_taken
    assert '<option value="yes" selected>Taken</option>' in taken


def test_the_members_sign_ups_come_in_one_query_whatever_the_number_of_actions(client, auth, member, make_action,
                                                                             db, count_queries):
    actions = [make_action(title=f"Petition {n}", goal=10) for n in range(12)]
    for action in actions[::2]:
        _signup(db, action, member, "signed")
    auth.login(member.email)
    client.get("/actions")
    with count_queries() as counter:
        html = client.get("/actions").get_data(as_text=True)
    assert html.count("You signed on") == 6
    signup_reads = [s for s in counter.statements if "FROM action_signups" in s]
    assert len(signup_reads) == 1, signup_reads


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
