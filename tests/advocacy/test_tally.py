"""The taking-part count kept on each action agrees with its sign-ups after every kind of change."""
import random

import pytest
from sqlalchemy import select

from leap_members.advocacy import services, staff_services, tally
from leap_members.advocacy.models import Action, ActionKind, ActionSignup, SignupStatus
from leap_members.core.timeutil import utcnow
from leap_members.members.models import Member


def counted_from_signups(db) -> dict[int, int]:
    return {action_id: n for action_id, n in db.session.execute(tally.counted_signups())}


def kept_counts(db) -> dict[int, int]:
    db.session.expire_all()
    return {action_id: n for action_id, n in db.session.execute(select(Action.id, Action.taking_part))
            if n}


def assert_counts_agree(db):
    assert kept_counts(db) == counted_from_signups(db)


def test_signing_up_and_leaving_move_the_count(db, make_action, member_factory):
    event = make_action(ActionKind.EVENT, capacity=1)
    first, second = member_factory(), member_factory()
    services.sign_up(event, first, {})
    services.sign_up(event, second, {})   # waiting list: not counted
    db.session.commit()
    assert kept_counts(db) == {event.id: 1}
    services.withdraw(event, first)       # the seat goes to the waiting list
    db.session.commit()
    assert kept_counts(db) == {event.id: 1}
    services.withdraw(event, second)
    db.session.commit()
    assert kept_counts(db) == {}


def test_a_signature_counts_once_the_member_confirms_the_email(client, db, make_action, member_factory, auth):
    petition = make_action(ActionKind.PETITION, slug="p")
    signer = member_factory(confirmed=False)
    services.sign_up(petition, signer, {})
    db.session.commit()
    assert kept_counts(db) == {}
    signer.email_confirmed_at = utcnow()
    db.session.commit()
    assert kept_counts(db) == {petition.id: 1}
    auth.login(signer.email)
    assert "1 of 100 signatures" in client.get("/actions").get_data(as_text=True)


def test_staff_decisions_move_the_count(db, make_action, member_factory):
    talk = make_action(ActionKind.SPEAKING)
    speaker = member_factory()
    signup = services.sign_up(talk, speaker, {"topics": "Harm reduction"})
    db.session.commit()
    assert kept_counts(db) == {talk.id: 1}
    staff_services.decide_offer(signup, accept=False, note=None)
    db.session.commit()
    assert kept_counts(db) == {}
    staff_services.decide_offer(signup, accept=True, note=None)
    db.session.commit()
    assert kept_counts(db) == {talk.id: 1}


def test_a_failed_transaction_leaves_the_count_alone(db, make_action, member_factory):
    petition = make_action(ActionKind.PETITION)
    services.sign_up(petition, member_factory(), {})
    db.session.rollback()
    assert kept_counts(db) == {}
    with pytest.raises(services.AlreadySignedUp):
        signer = member_factory()
        services.sign_up(petition, signer, {})
        db.session.commit()
        services.sign_up(petition, signer, {})
    db.session.rollback()
    assert kept_counts(db) == {petition.id: 1}


def test_recount_repairs_a_count_changed_behind_the_apps_back(db, make_action, member_factory):
    petition = make_action(ActionKind.PETITION)
    services.sign_up(petition, member_factory(), {})
    db.session.commit()
    db.session.execute(Action.__table__.update().values(taking_part=99))
    tally.recount()
    db.session.commit()
    assert kept_counts(db) == {petition.id: 1}


STATUSES = sorted(SignupStatus.LABELS)


@pytest.mark.parametrize("seed", range(3))
def test_random_changes_keep_the_count_in_step(db, make_action, member_factory, seed):
    """Adds, status changes, moves between members, deletions, confirmations and rollbacks, in any mix."""
    rng = random.Random(seed)
    actions = [make_action(kind) for kind in (ActionKind.PETITION, ActionKind.EVENT, ActionKind.SPEAKING)]
    members = [member_factory(confirmed=rng.random() < 0.5) for _ in range(6)]
    action_ids, member_ids = [a.id for a in actions], [m.id for m in members]
    for step in range(120):
        signups = list(db.session.scalars(select(ActionSignup)))
        move = rng.choice(["add", "add", "status", "status", "member", "delete", "confirm", "many"])
        if move == "add":
            taken = {(s.action_id, s.member_id) for s in signups}
            free = [(a, m) for a in action_ids for m in member_ids if (a, m) not in taken]
            if free:
                action_id, member_id = rng.choice(free)
                db.session.add(ActionSignup(action_id=action_id, member_id=member_id, status=rng.choice(STATUSES)))
        elif move == "status" and signups:
            rng.choice(signups).status = rng.choice(STATUSES)
        elif move == "member" and signups:
            signup = rng.choice(signups)
            taken = {s.member_id for s in signups if s.action_id == signup.action_id}
            free = [m for m in member_ids if m not in taken]
            if free:
                signup.member_id = rng.choice(free)
        elif move == "delete" and signups:
            db.session.delete(rng.choice(signups))
        elif move == "confirm":
            member = db.session.get(Member, rng.choice(member_ids))
            member.email_confirmed_at = None if member.email_confirmed_at else utcnow()
        elif move == "many" and signups:
            # Several changes in one flush, including a member confirming while their sign-up changes.
            signup = rng.choice(signups)
            signup.status = rng.choice(STATUSES)
            member = db.session.get(Member, signup.member_id)
            member.email_confirmed_at = None if member.email_confirmed_at else utcnow()
            rng.choice(signups).status = rng.choice(STATUSES)
        if rng.random() < 0.15:
            db.session.flush()
            db.session.rollback()
        else:
            db.session.commit()
        assert kept_counts(db) == counted_from_signups(db), f"after step {step} ({move})"
