"""The directory's search index follows every change to members and takes any text literally."""
import pytest
from sqlalchemy import select

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
