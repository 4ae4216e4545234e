"""What advocacy adds to the member record, member merges, the directory and the staff dashboard."""
from datetime import timedelta

from flask import render_template
from sqlalchemy import select

from leap_members.advocacy.contributions import action_signups_timeline, advocacy_dashboard_panel, merge_action_signups
from leap_members.advocacy.models import ActionKind, ActionSignup
from leap_members.core import registry
from leap_members.core.timeutil import utcnow
from tests.support.clients import client_as


def _add(db, action, member, status, **fields):
    signup = ActionSignup(action_id=action.id, member_id=member.id, status=status, **fields)
    db.session.add(signup)
    db.session.commit()
    return signup


def test_hooks_are_registered_with_the_core_registry(app):
    assert action_signups_timeline in registry.timeline_sources
    assert merge_action_signups in registry.merge_steps
    assert advocacy_dashboard_panel in registry.dashboard_panels
    assert "took_action" in registry.member_flags


def test_the_member_timeline_lists_each_signup_with_its_status(app, db, member, make_action):
    petition = make_action(ActionKind.PETITION, title="End cash bail")
    event = make_action(ActionKind.EVENT, title="Media training")
    _add(db, petition, member, "signed")
    _add(db, event, member, "waitlisted")
    with app.test_request_context():
        events = list(action_signups_timeline(member))
    assert [e.text for e in events] == ["Petition: “End cash bail” — signed",
                                        "Event or training: “Media training” — on the waiting list"]
    assert events[0].kind == "action-signup" and events[0].url == f"/staff/actions/{petition.id}"


def test_merging_moves_signups_and_keeps_one_row_where_both_took_part(app, db, member_factory, make_action):
    kept, duplicate = member_factory(), member_factory()
    both = make_action(ActionKind.PETITION)
    only_duplicate = make_action(ActionKind.LETTER)
    _add(db, both, kept, "signed", comment="kept comment")
    _add(db, both, duplicate, "signed", comment="duplicate comment")
    _add(db, only_duplicate, duplicate, "sent", letter_body="letter")
    with app.test_request_context():
        moved = merge_action_signups(duplicate.id, kept.id)
        db.session.commit()
    assert moved == {"action sign-ups moved": 1, "duplicate action sign-ups removed": 1}
    rows = db.session.scalars(select(ActionSignup).order_by(ActionSignup.action_id)).all()
    assert [(r.action_id, r.member_id, r.comment) for r in rows] == [
        (both.id, kept.id, "kept comment"), (only_duplicate.id, kept.id, None)]


def test_merging_prefers_the_row_that_still_takes_part(app, db, member_factory, make_action):
    kept, duplicate = member_factory(), member_factory()
    event = make_action(ActionKind.EVENT, capacity=5)
    _add(db, event, kept, "cancelled")
    _add(db, event, duplicate, "registered")
    with app.test_request_context():
        merge_action_signups(duplicate.id, kept.id)
        db.session.commit()
    [row] = db.session.scalars(select(ActionSignup)).all()
    assert (row.member_id, row.status) == (kept.id, "registered")


def test_merging_two_seats_into_one_gives_the_freed_seat_to_the_waiting_list(app, db, member_factory, make_action):
    kept, duplicate, waiting = member_factory(), member_factory(), member_factory()
    event = make_action(ActionKind.EVENT, capacity=2)
    _add(db, event, kept, "registered")
    _add(db, event, duplicate, "registered")
    _add(db, event, waiting, "waitlisted")
    with app.test_request_context():
        merge_action_signups(duplicate.id, kept.id)
        db.session.commit()
    statuses = {r.member_id: r.status for r in db.session.scalars(select(ActionSignup))}
    assert statuses == {kept.id: "registered", waiting.id: "registered"}


def test_the_took_action_flag_selects_members_who_take_part(app, db, member_factory, make_action):
    active, withdrew, _no_part = member_factory(), member_factory(), member_factory()   # one who takes no part
    speaking = make_action(ActionKind.SPEAKING)
    _add(db, speaking, active, "offered")
    _add(db, speaking, withdrew, "withdrawn")
    ids = set(db.session.scalars(registry.member_flags["took_action"].member_ids()))
    assert ids == {active.id}


def test_dashboard_panel_shows_upcoming_events_and_waiting_offers(app, db, member_factory, make_action):
    event = make_action(ActionKind.EVENT, title="Community forum", capacity=1, starts_at=utcnow() + timedelta(days=3))
    make_action(ActionKind.EVENT, title="Long past", starts_at=utcnow() - timedelta(days=3))
    speaking = make_action(ActionKind.SPEAKING, title="Civics speakers")
    _add(db, event, member_factory(), "registered")
    _add(db, event, member_factory(), "waitlisted")
    _add(db, speaking, member_factory(), "offered")
    with app.test_request_context():
        template, context = advocacy_dashboard_panel()
        html = render_template(template, **context)
    assert "Community forum" in html and "1 of 1 registered, 1 waiting" in html
    assert "Long past" not in html
    assert "Civics speakers</a>: 1" in html


def test_a_signup_shows_as_a_badge_in_a_directory_page_seen_just_before(app, db, member_factory, make_action, staff):
    member = member_factory(last_name="Okafor")
    directory = client_as(app, staff)
    badge = '<span class="badge">Has taken part in an advocacy action</span>'
    assert badge not in directory.get("/staff/members?q=okafor").get_data(as_text=True)
    _add(db, make_action(ActionKind.PETITION, title="End cash bail"), member, "signed")
    assert badge in directory.get("/staff/members?q=okafor").get_data(as_text=True)
