"""Races between real requests on separate threads and database connections."""
import threading
import time

import pytest

from leap_members.advocacy import services
from leap_members.advocacy.models import ActionKind
from leap_members.extensions import db


@pytest.fixture
def slow_seat_count(monkeypatch):
    """Pause after counting seats, so two sign-ups overlap unless the action row is locked."""
    original = services.count_registered

    def count_then_pause(action_id):
        taken = original(action_id)
        time.sleep(0.3)
        return taken
    monkeypatch.setattr(services, "count_registered", count_then_pause)


def _post_together(clients, url, data=None):
    """Send the same POST from each client at the same moment; return the status codes."""
    db.session.rollback()  # the test's own transaction must not hold the SQLite write lock meanwhile
    barrier = threading.Barrier(len(clients))
    codes, errors = [None] * len(clients), []

    def send(index, client):
        try:
            barrier.wait(timeout=10)
            codes[index] = client.post(url, data=data or {}).status_code
        except Exception as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
    threads = [threading.Thread(target=send, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return codes


def test_two_members_racing_for_the_last_seat_one_gets_it_and_the_other_is_waitlisted(
        member_factory, new_client, make_action, signups, slow_seat_count, deliver):
    event = make_action(ActionKind.EVENT, slug="last-seat", capacity=2, title="Last seat")
    member_factory()  # someone else already has the first seat
    first = member_factory()
    new_client(first).post("/actions/last-seat/sign-up", data={})
    racers = [member_factory(), member_factory()]
    codes = _post_together([new_client(m) for m in racers], "/actions/last-seat/sign-up")
    assert codes == [303, 303]
    statuses = {r.member_id: r.status for r in signups(event.id)}
    assert sorted(statuses[m.id] for m in racers) == ["registered", "waitlisted"]
    assert list(statuses.values()).count("registered") == 2
    subjects = sorted(m["Subject"].split(":")[0] for m in deliver().messages
                      if m["To"] in {r.email for r in racers})
    assert subjects == ["You are on the waiting list", "You are registered"]


def test_a_double_click_from_two_tabs_makes_one_signature(member, new_client, make_action, signups):
    petition = make_action(ActionKind.PETITION, slug="double-click")
    tabs = [new_client(member), new_client(member)]
    codes = _post_together(tabs, "/actions/double-click/sign-up")
    assert codes == [303, 303]
    assert [(r.member_id, r.status) for r in signups(petition.id)] == [(member.id, "signed")]


def test_a_cancellation_racing_a_new_sign_up_never_overfills_the_event(
        member_factory, new_client, make_action, signups, slow_seat_count):
    event = make_action(ActionKind.EVENT, slug="churn", capacity=1)
    seated, waiting, newcomer = member_factory(), member_factory(), member_factory()
    seated_client, waiting_client, newcomer_client = (new_client(m) for m in (seated, waiting, newcomer))
    seated_client.post("/actions/churn/sign-up", data={})
    waiting_client.post("/actions/churn/sign-up", data={})
    db.session.rollback()
    barrier = threading.Barrier(2)
    results = []

    def leave():
        barrier.wait(timeout=10)
        results.append(seated_client.post("/actions/churn/withdraw").status_code)

    def join():
        barrier.wait(timeout=10)
        results.append(newcomer_client.post("/actions/churn/sign-up", data={}).status_code)
    threads = [threading.Thread(target=leave), threading.Thread(target=join)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [303, 303]
    statuses = {r.member_id: r.status for r in signups(event.id)}
    assert list(statuses.values()).count("registered") == 1
    # The seat goes to whoever was waiting first, never to the newcomer ahead of them.
    assert statuses[waiting.id] == "registered" and statuses[newcomer.id] == "waitlisted"
