"""Tags as staff use them: made and renamed on their page, put on one member from the record, on every
member a directory search finds, or on the members of a CSV list; each change on the member's timeline."""
import io
import re

import pytest
from sqlalchemy import func, select

from leap_members.admin.merge import merge_members
from leap_members.extensions import db as _db
from leap_members.members.models import Member
from leap_members.outreach import tag_upload, tags
from leap_members.outreach.models import MemberTag, Segment, Tag, TagChange
from leap_members.outreach.tags import add_tag, create_tag
from tests.admin.conftest import read_csv
from tests.support.clients import client_as
from tests.support.factories import make_member


@pytest.fixture
def make_tag(db, staff):
    def make(name: str) -> Tag:
        tag = create_tag(name, staff)
        db.session.commit()
        return tag
    return make


@pytest.fixture
def texans(member_factory):
    return [member_factory(first_name=name, last_name="Texan", state="TX", email=f"{name.lower()}@tx.example")
            for name in ("Alma", "Bo", "Cruz")]


@pytest.fixture
def others(member_factory):
    return [member_factory(first_name=name, last_name="Elsewhere", state="OH", email=f"{name.lower()}@oh.example")
            for name in ("Dana", "Eli")]


def tagged_ids(db, tag: Tag) -> set[int]:
    return set(db.session.scalars(select(MemberTag.member_id).where(MemberTag.tag_id == tag.id)))


def page(response, status: int = 200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def record_of(client, member) -> str:
    return page(client.get(f"/staff/members/{member.id}"))


# --- The tags page -------------------------------------------------------------------------

def test_staff_create_a_tag_and_see_it_listed_with_its_member_count(staff_client, db, member):
    response = staff_client.post("/staff/outreach/tags", data={"name": "  Press   contacts "})
    assert response.status_code == 302
    tag = db.session.scalar(select(Tag))
    assert tag.name == "Press contacts"
    add_tag(tag, [Member.id == member.id], None, "test")
    db.session.commit()
    html = page(staff_client.get("/staff/outreach/tags"))
    assert "Press contacts" in html and "<td>1</td>" in html


def test_a_tag_name_taken_in_another_case_is_refused_with_a_clear_message(staff_client, db, make_tag):
    make_tag("Press contacts")
    html = page(staff_client.post("/staff/outreach/tags", data={"name": "press CONTACTS"}), 400)
    assert "There is already a tag called “Press contacts”" in html
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 1


def test_a_name_taken_a_moment_ago_by_someone_else_is_refused_not_a_crash(staff_client, db, make_tag, monkeypatch):
    make_tag("Press")
    monkeypatch.setattr(tags, "_check_free", lambda name, tag_id=None: None)   # both looked before either saved
    html = page(staff_client.post("/staff/outreach/tags", data={"name": "Press"}), 400)
    assert "There is already a tag called “Press”" in html


def test_renaming_keeps_the_members_and_refuses_another_tags_name(staff_client, db, make_tag, member):
    press, _ = make_tag("Press contacts"), make_tag("Speakers")
    add_tag(press, [Member.id == member.id], None, "test")
    db.session.commit()
    html = page(staff_client.post(f"/staff/outreach/tags/{press.id}", data={"name": "speakers"}), 400)
    assert "There is already a tag called “Speakers”" in html
    assert staff_client.post(f"/staff/outreach/tags/{press.id}", data={"name": "Press"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Tag, press.id).name == "Press" and tagged_ids(db, press) == {member.id}


def test_deleting_a_tag_needs_the_box_ticked_and_keeps_the_history_on_the_timeline(staff_client, db, make_tag,
                                                                                     member):
    tag = make_tag("Spoke in 2024")
    add_tag(tag, [Member.id == member.id], None, "test")
    db.session.commit()
    assert "Tick the box to confirm" in page(staff_client.post(f"/staff/outreach/tags/{tag.id}/delete"), 400)
    response = staff_client.post(f"/staff/outreach/tags/{tag.id}/delete", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Tag, tag.id) is None
    changes = db.session.scalars(select(TagChange).where(TagChange.member_id == member.id).order_by(TagChange.id)).all()
    assert [(c.tag_name, c.added, c.tag_id) for c in changes] == [("Spoke in 2024", True, None),
                                                                   ("Spoke in 2024", False, None)]
    html = record_of(staff_client, member)
    assert "Tagged “Spoke in 2024”" in html and "Tag “Spoke in 2024” removed (the tag was deleted)" in html


def test_deleting_a_tag_names_the_segments_it_breaks_and_they_then_say_why(staff_client, db, make_tag):
    tag = make_tag("Press")
    db.session.add(Segment(name="All but the press", query=f"not_tag={tag.id}"))
    db.session.commit()
    assert "All but the press</a>." in page(staff_client.get(f"/staff/outreach/tags/{tag.id}"))
    staff_client.post(f"/staff/outreach/tags/{tag.id}/delete", data={"confirm": "y"})
    assert f"There is no tag number {tag.id}; it may have been deleted." in page(
        staff_client.get("/staff/outreach/segments"))


# --- One member, from the record -------------------------------------------------------------

def test_staff_tag_a_member_on_the_record_and_remove_it_again(staff_client, db, make_tag, member):
    tag = make_tag("Volunteer")
    assert "No tags." in record_of(staff_client, member)
    response = staff_client.post(f"/staff/outreach/members/{member.id}/tags", data={"tag_id": tag.id})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/members/{member.id}#tags")
    html = record_of(staff_client, member)
    assert f'href="/staff/members?tag={tag.id}">Volunteer</a>' in html
    assert "Tagged “Volunteer” (member record)" in html
    staff_client.post(f"/staff/outreach/members/{member.id}/tags", data={"tag_id": tag.id})   # again: no change
    assert db.session.scalar(select(func.count()).select_from(TagChange)) == 1
    assert staff_client.post(f"/staff/outreach/members/{member.id}/tags/{tag.id}/remove").status_code == 302
    html = record_of(staff_client, member)
    assert "Tag “Volunteer” removed (member record)" in html and "No tags." in html
    assert tagged_ids(db, tag) == set()


def test_a_tag_that_is_not_in_the_list_is_refused_on_the_record(staff_client, db, member):
    assert staff_client.post(f"/staff/outreach/members/{member.id}/tags", data={"tag_id": "999"}).status_code == 400


# --- Everyone a directory search finds ------------------------------------------------------

def test_bulk_tag_from_a_filtered_directory_tags_exactly_those_members_and_is_on_their_timelines(
        staff_client, db, make_tag, texans, others):
    tag = make_tag("Texas volunteers")
    directory = page(staff_client.get("/staff/members?state=TX"))
    assert "Tag these members" in directory and 'action="/staff/outreach/tags/selection"' in directory
    assert '<input type="hidden" name="state" value="TX">' in directory

    confirm = page(staff_client.get(f"/staff/outreach/tags/selection?state=TX&tag_id={tag.id}&change=add"))
    assert "3 members match: state: TX" in confirm and "Add “Texas volunteers” to 3 members?" in confirm

    response = staff_client.post("/staff/outreach/tags/selection", data={"state": "TX", "tag_id": tag.id,
                                                                          "change": "add"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/members?state=TX")
    assert tagged_ids(db, tag) == {m.id for m in texans}
    assert "“Texas volunteers” was added to 3 members." in page(staff_client.get("/staff/members?state=TX"))
    for person in texans:
        assert "Tagged “Texas volunteers” (directory selection: state: TX)" in record_of(staff_client, person)
    for person in others:
        assert "Tagged “Texas volunteers”" not in record_of(staff_client, person)


def test_tagging_the_same_selection_twice_adds_nothing_twice(staff_client, db, make_tag, texans):
    tag = make_tag("Texas volunteers")
    form = {"state": "TX", "tag_id": tag.id, "change": "add"}
    staff_client.post("/staff/outreach/tags/selection", data=form)
    staff_client.post("/staff/outreach/tags/selection", data=form)
    assert "“Texas volunteers” was added to 0 members." in page(staff_client.get("/staff/members"))
    assert db.session.scalar(select(func.count()).select_from(MemberTag)) == 3
    assert db.session.scalar(select(func.count()).select_from(TagChange)) == 3


def test_removing_a_tag_from_a_selection_takes_it_off_only_those_members(staff_client, db, make_tag, texans,
                                                                         others):
    tag = make_tag("Newsletter readers")
    add_tag(tag, [Member.id.in_([m.id for m in texans + others])], None, "test")
    db.session.commit()
    confirm = page(staff_client.get(f"/staff/outreach/tags/selection?state=OH&tag_id={tag.id}&change=remove"))
    assert "Remove “Newsletter readers” from 2 members?" in confirm
    staff_client.post("/staff/outreach/tags/selection", data={"state": "OH", "tag_id": tag.id, "change": "remove"})
    assert tagged_ids(db, tag) == {m.id for m in texans}
    assert "Tag “Newsletter readers” removed (directory selection: state: OH)" in record_of(staff_client, others[0])


def test_a_bulk_change_is_the_same_few_statements_for_three_members_or_thirty(db, make_tag, member_factory,
                                                                            count_queries):
    small, large = make_tag("Small"), make_tag("Large")
    for n in range(30):
        member_factory(state="TX" if n < 3 else "NM")
    counts = []
    for tag, state in ((small, "TX"), (large, "NM")):
        db.session.commit()
        with count_queries() as counter:
            added = add_tag(tag, [Member.state == state], None, "test")
        counts.append(counter.count)
        assert added == (3 if state == "TX" else 27)
    # BEGIN, the tag reloaded and locked, member_tags and tag_changes written: nothing per member.
    assert counts[0] == counts[1] <= 5


def test_a_bulk_change_with_a_bad_filter_is_a_400_that_changes_nothing(staff_client, db, make_tag, texans):
    tag = make_tag("Texas volunteers")
    html = page(staff_client.post("/staff/outreach/tags/selection",
                                  data={"state": "ZZ", "tag_id": tag.id, "change": "add"}), 400)
    assert "“ZZ” is not a known state" in html
    assert tagged_ids(db, tag) == set()


def test_the_directory_links_its_filters_to_a_new_segment(staff_client, texans):
    directory = page(staff_client.get("/staff/members?state=TX&zip=7"))
    assert 'href="/staff/outreach/segments/new?query=state%3DTX%26zip%3D7">Save as a segment</a>' in directory
    form = page(staff_client.get("/staff/outreach/segments/new?query=state%3DTX%26zip%3D7"))
    assert 'value="state=TX&amp;zip=7"' in form


# --- A CSV list of addresses ---------------------------------------------------------------

def upload(client, tag: Tag, content: bytes, filename: str = "press.csv"):
    return client.post("/staff/outreach/tags/upload", data={"tag_id": tag.id, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def test_csv_upload_tags_the_members_it_names_and_reports_unknown_addresses(staff_client, db, make_tag, texans):
    tag = make_tag("Press")
    add_tag(tag, [Member.id == texans[2].id], None, "test")
    db.session.commit()
    content = ("Name,E-mail\nAlma,ALMA@tx.example\nBo, bo@tx.example \nCruz,cruz@tx.example\n"
               "Stranger,nobody@nowhere.example\nTypo,not an address\nAlma again,alma@tx.example\n").encode()
    html = page(upload(staff_client, tag, content))
    assert "2 members tagged" in html and "1 already had the tag" in html
    assert "<li>nobody@nowhere.example</li>" in html and "line 6: not an address" in html
    assert tagged_ids(db, tag) == {m.id for m in texans}
    assert "Tagged “Press” (CSV upload: press.csv)" in record_of(staff_client, texans[0])


def test_csv_upload_takes_a_single_column_without_a_heading(staff_client, db, make_tag, texans):
    tag = make_tag("Press")
    html = page(upload(staff_client, tag, b"\xef\xbb\xbfalma@tx.example\r\nbo@tx.example\r\n"))
    assert "2 members tagged" in html
    assert tagged_ids(db, tag) == {texans[0].id, texans[1].id}


@pytest.mark.parametrize("content,message", [
    (b"\xff\xfeb\x00o\x00", "The file is not UTF-8 text"),
    (b"name,city\nAlma,Austin\n", "none is headed “email” or “e-mail”"),
    (b"", "The file is empty"),
    (b"email\nnot an address\n", "No e-mail addresses were found"),
    (b"email\nalma@tx.example\x00\n", "NUL bytes"),
])
def test_a_csv_file_that_cannot_be_used_is_refused_and_nothing_is_written(staff_client, db, make_tag, texans,
                                                                          content, message):
    tag = make_tag("Press")
    assert message in page(upload(staff_client, tag, content), 400)
    assert db.session.scalar(select(func.count()).select_from(TagChange)) == 0
    assert tagged_ids(db, tag) == set()


def test_a_csv_file_with_too_many_addresses_is_refused(staff_client, db, make_tag, texans, monkeypatch):
    monkeypatch.setattr(tag_upload, "MAX_ADDRESSES", 2)
    tag = make_tag("Press")
    html = page(upload(staff_client, tag, b"alma@tx.example\nbo@tx.example\ncruz@tx.example\n"), 400)
    assert "upload at most 2 at a time" in html and tagged_ids(db, tag) == set()


# --- The export, merges and who may use all this -------------------------------------------------------

def test_the_export_has_a_tags_column_with_formula_safe_names(staff_client, db, make_tag, texans):
    press, formula = make_tag("Press"), make_tag('=HYPERLINK("http://evil.example","x")')
    add_tag(press, [Member.state == "TX"], None, "test")
    add_tag(formula, [Member.id == texans[0].id], None, "test")
    db.session.commit()
    response = staff_client.post("/staff/export", data={"columns": ["email", "tags"], "state": "TX"})
    assert response.status_code == 200
    rows = read_csv(response.get_data())
    assert rows[0] == ["E-mail", "Tags"]
    assert dict(rows[1:]) == {"alma@tx.example": '\'=HYPERLINK("http://evil.example","x"); Press',
                              "bo@tx.example": "Press", "cruz@tx.example": "Press"}


def test_an_export_of_members_without_tags_has_an_empty_tags_cell(staff_client, texans):
    rows = read_csv(staff_client.post("/staff/export", data={"columns": ["email", "tags"]}).get_data())
    assert {tuple(row) for row in rows[1:]} >= {(m.email, "") for m in texans}


def test_a_merged_duplicate_brings_its_tags_and_their_history(app, db, make_tag, member_factory, staff):
    keep, duplicate = member_factory(), member_factory()
    both, only_duplicate = make_tag("Both"), make_tag("Duplicate's")
    add_tag(both, [Member.id.in_([keep.id, duplicate.id])], None, "test")
    add_tag(only_duplicate, [Member.id == duplicate.id], None, "test")
    db.session.commit()
    with app.test_request_context():
        merge_members(duplicate, keep)
        db.session.commit()
    assert tagged_ids(db, both) == {keep.id} and tagged_ids(db, only_duplicate) == {keep.id}
    moved = db.session.scalar(select(func.count()).select_from(TagChange).where(TagChange.member_id == keep.id))
    assert moved == 3


def test_the_tag_forms_carry_a_csrf_token_and_a_post_without_one_changes_nothing(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        organiser, member = make_member(role="staff"), make_member()
        tag = create_tag("Press", organiser)
        _db.session.commit()
        client = client_as(app, organiser)
        form = {"tag_id": tag.id, "change": "add"}
        assert client.post("/staff/outreach/tags/selection", data=form).status_code == 400
        assert client.post(f"/staff/outreach/members/{member.id}/tags", data=form).status_code == 400
        assert _db.session.scalar(select(func.count()).select_from(MemberTag)) == 0
        for url in (f"/staff/outreach/tags/selection?tag_id={tag.id}&change=add", "/staff/outreach/tags",
                    f"/staff/outreach/tags/{tag.id}", "/staff/outreach/tags/upload", f"/staff/members/{member.id}"):
            forms = re.findall(r'<form[^>]*method="post".*?</form>', page(client.get(url)), re.S)
            assert forms and all('name="csrf_token"' in form for form in forms), url
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          page(client.get(f"/staff/outreach/tags/selection?tag_id={tag.id}&change=add"))).group(1)
        assert client.post("/staff/outreach/tags/selection", data={**form, "csrf_token": token}).status_code == 302
        assert _db.session.scalar(select(func.count()).select_from(MemberTag)) == 2


NEW_ROUTES = [
    ("GET", "/staff/outreach/tags"), ("POST", "/staff/outreach/tags"),
    ("GET", "/staff/outreach/tags/{tag}"), ("POST", "/staff/outreach/tags/{tag}"),
    ("POST", "/staff/outreach/tags/{tag}/delete"),
    ("GET", "/staff/outreach/tags/selection?tag_id={tag}&change=add"),
    ("POST", "/staff/outreach/tags/selection"),
    ("GET", "/staff/outreach/tags/upload"), ("POST", "/staff/outreach/tags/upload"),
    ("POST", "/staff/outreach/members/{member}/tags"),
    ("POST", "/staff/outreach/members/{member}/tags/{tag}/remove"),
]


@pytest.mark.parametrize("method,url", NEW_ROUTES)
def test_members_and_visitors_are_turned_away_from_every_tag_page(app, db, make_tag, member, method, url):
    tag = make_tag("Press")
    add_tag(tag, [Member.id == member.id], None, "test")
    db.session.commit()
    url = url.format(tag=tag.id, member=member.id)
    form = {"tag_id": tag.id, "change": "add", "name": "Taken over", "confirm": "y"}
    as_member = client_as(app, member).open(url, method=method, data=form if method == "POST" else None)
    assert as_member.status_code == 403
    anonymous = client_as(app).open(url, method=method, data=form if method == "POST" else None)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Tag, tag.id).name == "Press" and tagged_ids(db, tag) == {member.id}
