"""The directory's search index follows every change to members and takes any text literally."""
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from leap_members.admin.directory import conditions
from leap_members.admin.filters import DirectoryQuery
from leap_members.members.models import Member


def found(db, text: str) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(Member.last_name).where(*conditions(DirectoryQuery(q=text)))))


def test_new_edited_and_deleted_members_are_found_as_they_are_now(db, member_factory):
    dana = member_factory(first_name="Dana", last_name="Rivera-Lopez", organisation="Phoenix Police Department")
    assert found(db, "rivera") == {"Rivera-Lopez"}
    assert found(db, "PHOENIX") == {"Rivera-Lopez"}
    dana.last_name = "Okafor"
    dana.organisation = None
    db.session.commit()
    assert found(db, "rivera") == set() and found(db, "phoenix") == set()
    assert found(db, "okafor") == {"Okafor"}
    db.session.delete(dana)
    db.session.commit()
    assert found(db, "okafor") == set()


@pytest.mark.parametrize("text", ['"', 'o"b', "a*", "NEAR(a b)", "x OR y", "^ri", "ri-", "(((", "'"])
def test_search_syntax_is_just_text(db, member_factory, text):
    member_factory(last_name="Plain")
    assert found(db, text) == set()


def test_quotes_and_short_terms_match_literally(db, member_factory):
    member_factory(last_name="O'Brien", first_name='Sam "Slim"', email="sam.obrien@example.org")
    member_factory(last_name="Li", email="li@example.org")
    assert found(db, "o'bri") == {"O'Brien"}
    assert found(db, '"slim"') == {"O'Brien"}
    assert found(db, "li") == {"Li", "O'Brien"}   # two letters ("Slim" too): no trigram, matched by a scan
    assert found(db, "sam brien") == {"O'Brien"}   # every term must match


def test_members_added_in_bulk_are_found_and_later_ones_too(db, member_factory):
    from leap_members.admin.fake_data import generate_members

    generate_members(300, seed=11, batch_size=100)
    db.session.commit()
    generated = db.session.scalars(select(Member).order_by(Member.id.desc()).limit(1)).one()
    assert generated.last_name in found(db, generated.last_name[:5])
    member_factory(last_name="Afterwards")   # one at a time again: the trigger is back
    assert found(db, "afterward") == {"Afterwards"}


def test_a_bulk_insert_that_fails_leaves_the_index_working(db, member_factory):
    from leap_members.members import search

    taken = member_factory(email="taken@example.org")
    with pytest.raises(IntegrityError):
        with db.session.begin_nested(), search.bulk_insert():
            db.session.add(Member(email=taken.email, first_name="Dup", last_name="Licate", city="X", state="IL",
                                  zip_code="60601", category="citizen"))
            db.session.flush()
    db.session.rollback()
    member_factory(last_name="Stillindexed")
    assert found(db, "stillindex") == {"Stillindexed"}
