"""Directory results kept per worker: served again only while nothing they were built from has changed."""
import re

import pytest
from sqlalchemy import text

from leap_members.core.pagecache import KeptPages
from tests.support.clients import client_as
from tests.conftest import DATABASE_URL
from tests.support.database import execute

QUERY = "/staff/members?q=rivera&sort=name"


def rows_of(client, count_queries) -> tuple[list[str], int]:
    """The names listed for QUERY, and how many SQL statements the request took."""
    with count_queries() as counter:
        response = client.get(QUERY)
    assert response.status_code == 200
    names = re.findall(r'<a href="/staff/members/\d+">([^<]+)</a>', response.get_data(as_text=True))
    return names, counter.count


@pytest.fixture
def riveras(member_factory):
    return [member_factory(first_name="Ana", last_name="Rivera", email="ana@example.org"),
            member_factory(first_name="Bo", last_name="Rivera", email="bo@example.org")]


def test_the_same_query_again_is_served_from_the_kept_results(staff_client, riveras, count_queries):
    first, queries_first = rows_of(staff_client, count_queries)
    again, queries_again = rows_of(staff_client, count_queries)
    assert first == again == ["Rivera, Ana", "Rivera, Bo"]
    assert queries_first >= 4      # the staff member (and the version), the count, the page, the flags
    assert queries_again == 1      # the staff member, with the directory's version in the same statement


def test_an_edit_through_the_app_shows_at_once(staff_client, riveras, db, count_queries):
    rows_of(staff_client, count_queries)
    riveras[0].first_name = "Anabel"
    db.session.commit()
    assert rows_of(staff_client, count_queries)[0] == ["Rivera, Anabel", "Rivera, Bo"]


def test_a_change_made_outside_the_app_shows_at_once(app, staff_client, riveras, db, count_queries):
    rows_of(staff_client, count_queries)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    execute(url, "UPDATE members SET last_name = 'Rivera-Lopez' WHERE email = 'bo@example.org'")
    db.session.rollback()   # the test's requests share one session; a served request starts afresh
    assert rows_of(staff_client, count_queries)[0] == ["Rivera, Ana", "Rivera-Lopez, Bo"]
    execute(url, "DELETE FROM members WHERE email = 'ana@example.org'")
    db.session.rollback()
    assert rows_of(staff_client, count_queries)[0] == ["Rivera-Lopez, Bo"]


def test_a_new_member_shows_at_once(staff_client, riveras, member_factory, count_queries):
    rows_of(staff_client, count_queries)
    member_factory(first_name="Cy", last_name="Rivera", email="cy@example.org")
    assert rows_of(staff_client, count_queries)[0] == ["Rivera, Ana", "Rivera, Bo", "Rivera, Cy"]


def test_a_change_rolled_back_keeps_the_kept_results(staff_client, riveras, db, count_queries):
    rows_of(staff_client, count_queries)
    riveras[0].first_name = "Never"
    db.session.flush()
    db.session.rollback()
    names, queries = rows_of(staff_client, count_queries)
    assert names == ["Rivera, Ana", "Rivera, Bo"] and queries == 1   # kept: only the staff member (and the version)


def test_nothing_is_kept_while_the_version_is_unknown(staff_client, riveras, db, count_queries):
    db.session.execute(text("DELETE FROM data_versions"))
    db.session.commit()
    rows_of(staff_client, count_queries)
    names, queries = rows_of(staff_client, count_queries)
    assert names == ["Rivera, Ana", "Rivera, Bo"] and queries >= 4   # the count, the page and the flags read afresh


def test_with_no_pages_to_keep_every_request_reads_the_rows(app_factory, riveras, staff, count_queries):
    other = app_factory(DIRECTORY_KEPT_PAGES=0)
    with other.app_context():
        client = client_as(other, staff)
        client.get(QUERY)
        names, queries = rows_of(client, count_queries)
    assert names == ["Rivera, Ana", "Rivera, Bo"] and queries >= 4   # the count, the page and the flags read afresh


def test_kept_pages_are_bounded_and_dropped_with_their_version():
    kept = KeptPages(size=2)
    kept.keep(1, "a", "page a")
    kept.keep(1, "b", "page b")
    assert kept.get(1, "a") == "page a"        # now the most recently used
    kept.keep(1, "c", "page c")                # the least recently used, b, makes room
    assert (kept.get(1, "a"), kept.get(1, "b"), kept.get(1, "c")) == ("page a", None, "page c")
    assert kept.get(2, "a") is None            # another version: nothing kept applies
    kept.keep(2, "d", "page d")
    assert kept.get(1, "a") is None and kept.get(2, "d") == "page d"
    assert kept.get(None, "d") is None         # an unknown version is never served from memory


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="SQLite reads one snapshot per request")
def test_the_staff_member_looking_is_listed_as_the_database_has_them_now(app, staff_client, staff):
    query = "/staff/members?q=staff%40example.org"
    staff_client.get(query)   # the staff member is loaded in this session, with their name as it was
    execute(app.config["SQLALCHEMY_DATABASE_URI"], "UPDATE members SET last_name = 'Renamed' WHERE id = :id",
            id=staff.id)
    html = staff_client.get(query).get_data(as_text=True)
    assert re.search(r'<a href="/staff/members/\d+">Renamed, ', html)


def test_a_site_root_the_client_names_never_reaches_the_kept_pages(staff_client, riveras):
    """The site root comes from PUBLIC_URL (core/links.FixedSiteRoot), not from the request."""
    at_root = staff_client.get(QUERY).get_data(as_text=True)
    claimed = staff_client.get(QUERY, environ_overrides={"SCRIPT_NAME": "/members"}).get_data(as_text=True)
    assert f'href="/staff/members/{riveras[0].id}"' in at_root
    assert f'href="/staff/members/{riveras[0].id}"' in claimed and 'href="/members/staff' not in claimed
