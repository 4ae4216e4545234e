"""The logged-in member: read with the data versions in one statement sent straight to the driver
(core/driver_select.py), and put in the request's session as if the ORM had loaded them."""
from datetime import datetime

from flask import jsonify, session
from flask_login import current_user
from sqlalchemy import inspect, select

from leap_members.core import dataversions
from leap_members.core.driver_select import DriverSelect
from leap_members.extensions import db
from leap_members.members.models import Consent, Member
from tests.support.clients import client_as


def _probe(app, view) -> None:
    app.add_url_rule("/probe", view.__name__, view, methods=["GET", "POST"])


def test_the_member_comes_in_one_statement_as_a_loaded_member_of_the_session(app, member_factory, count_queries):
    def loaded():
        member = current_user._get_current_object()
        state = inspect(member)
        return jsonify(persistent=state.persistent, modified=state.modified, pending=bool(db.session.dirty),
                       email=member.email, confirmed=member.email_confirmed, staff=member.is_staff,
                       directory_version=dataversions.current("directory") is not None)   # members write it

    _probe(app, loaded)
    someone = member_factory(email="loaded@example.org")
    client = client_as(app, someone)
    client.get("/probe")   # the test's own writes count as this first request's (they share an app context)
    with count_queries() as counter:
        answer = client.get("/probe").get_json()
    assert counter.count == 1
    assert answer == {"persistent": True, "modified": False, "pending": False, "email": "loaded@example.org",
                      "confirmed": True, "staff": False, "directory_version": True}


def test_the_rest_of_the_member_loads_in_one_more_statement_when_a_page_uses_it(app, member_factory, db,
                                                                               count_queries):
    def details():
        with count_queries() as counter:
            member = current_user._get_current_object()
            read_every_request = counter.count
            details = {"joined_is_a_time": isinstance(member.created_at, datetime), "phone": member.phone,
                       "zip_code": member.zip_code, "has_a_password": member.password_hash is not None}
        return jsonify({**details, "statements": [read_every_request, counter.count]})

    _probe(app, details)
    someone = member_factory(email="details@example.org", phone="555-0100", zip_code="73301")
    client = client_as(app, someone)
    db.session.remove()   # the request's session starts without the test's copy of the member
    assert client.get("/probe").get_json() == {
        "joined_is_a_time": True, "phone": "555-0100", "zip_code": "73301", "has_a_password": True,
        "statements": [1, 2]}


def test_a_change_to_the_member_is_saved_and_their_consents_load_when_used(app, member_factory, db):
    def moves():
        current_user.city = "Tulsa"
        consents = len(current_user.consents)
        db.session.commit()
        return jsonify(consents=consents)

    _probe(app, moves)
    someone = member_factory(email="mover@example.org")
    db.session.add(Consent(member_id=someone.id, kind="email_updates", granted=True, wording="Yes", source="/join"))
    db.session.commit()
    expected = db.session.scalar(select(db.func.count()).select_from(Consent).where(Consent.member_id == someone.id))
    assert client_as(app, someone).post("/probe").get_json() == {"consents": expected}
    db.session.expire_all()
    assert db.session.get(Member, someone.id).city == "Tulsa"


def test_a_member_the_session_holds_expired_is_filled_in_from_the_same_statement(app, member_factory,
                                                                                count_queries):
    def held():
        held = db.session.get(Member, int(session["_user_id"].partition(":")[0]))
        db.session.expire(held)   # as a commit or a rollback earlier in the request would
        with count_queries() as counter:
            loaded = current_user._get_current_object()
            email = held.email
        return jsonify(same=loaded is held, email=email, statements=counter.count)

    _probe(app, held)
    someone = member_factory(email="held@example.org")
    assert client_as(app, someone).get("/probe").get_json() == {"same": True, "email": "held@example.org",
                                                                "statements": 1}


def test_a_driver_select_gives_the_row_by_label_or_none(app, member_factory):
    someone = member_factory(email="row@example.org", city="Boise")
    by_id = DriverSelect(lambda: select(Member.email, Member.city, Member.created_at).where(
        Member.id == db.bindparam("member_id")))
    row = by_id.one_or_none(member_id=someone.id)
    assert row["email"] == "row@example.org" and row["city"] == "Boise"
    assert isinstance(row["created_at"], datetime)   # on SQLite, text parsed as SQLAlchemy would
    assert by_id.one_or_none(member_id=someone.id + 10_000) is None
