"""Exports: the filtered directory as CSV, every field intact, formulas neutralised, every export recorded."""
import os
import tracemalloc

import pytest
from sqlalchemy import func, literal, select

from leap_members.admin.exports import BASE_COLUMNS, choose_columns, export_rows
from leap_members.admin.fake_data import generate_members
from leap_members.admin.filters import STATUS_LABELS, VERIFICATION_LABELS, DirectoryQuery
from leap_members.admin.models import AuditEvent
from leap_members.core.csvsafe import FORMULA_TRIGGERS, database_csv, neutralise
from leap_members.members.categories import CATEGORIES, category_label
from leap_members.members.models import Member
from tests.conftest import DATABASE_URL

from .conftest import read_csv

ALL_COLUMNS = [column.key for column in BASE_COLUMNS]
AWKWARD_PEOPLE = [
    dict(first_name="Anne, Marie", last_name='O"Connor', organisation="Police Dept, Unit \"B\"\nSecond line"),
    dict(first_name="Zoë", last_name="Nguyễn-Łukasiewicz", organisation="Polícia Municipal — São Paulo 日本"),
    dict(first_name="=HYPERLINK(\"http://evil.example\",\"click\")", last_name="+SUM(A1:A9)",
         organisation="@cmd|' /C calc'!A0"),
    dict(first_name="-2+3", last_name="\tTabbed", organisation="\rCarriage"),
    dict(first_name="Plain", last_name="Smith", organisation=None, phone="+1 555 0100"),
]


def export(client, columns=ALL_COLUMNS, **filters):
    data = {"columns": columns, **filters}
    return client.post("/staff/export", data=data)


@pytest.fixture
def awkward(member_factory):
    return [member_factory(category="le_current", state="NY", zip_code="10001", **fields) for fields in AWKWARD_PEOPLE]


def _time(value) -> str:
    return value.isoformat(" ", "seconds") if value else ""


# What the cells hold, worked out in Python from the stored values (the export has the database do it).
FROM_MEMBER = {
    "email_confirmed": lambda m: m.email_confirmed_at is not None,
    "category": lambda m: category_label(m.category),
    "verification": lambda m: VERIFICATION_LABELS.get(m.verification, m.verification),
    "status": lambda m: STATUS_LABELS.get(m.status, m.status),
    "verified_at": lambda m: _time(m.verified_at),
    "joined": lambda m: _time(m.created_at),
    "last_login": lambda m: _time(m.last_login_at),
}


def expected_cell(key: str, member: Member) -> str:
    return neutralise(FROM_MEMBER[key](member) if key in FROM_MEMBER else getattr(member, key))


def test_export_round_trips_every_field_of_every_row(staff_client, awkward, db):
    response = export(staff_client, state="NY")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="leap-members-')
    rows = read_csv(response.get_data())
    header, body = rows[0], rows[1:]
    assert header == [column.header for column in BASE_COLUMNS]
    assert len(body) == len(awkward)
    by_id = {int(row[0]): row for row in body}
    for member in awkward:
        db.session.refresh(member)
        row = by_id[member.id]
        for index, key in enumerate(ALL_COLUMNS):
            assert row[index] == expected_cell(key, member), (key, row[index])


def test_formula_like_cells_start_with_an_apostrophe_and_keep_their_text(staff_client, awkward):
    rows = read_csv(export(staff_client, columns=["first_name", "last_name", "organisation"], state="NY").get_data())
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells
    assert "'+SUM(A1:A9)" in cells and "'@cmd|' /C calc'!A0" in cells and "'-2+3" in cells
    assert "'\tTabbed" in cells and "'\rCarriage" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
    assert "Police Dept, Unit \"B\"\nSecond line" in cells  # commas, quotes, newline: one cell
    assert "Nguyễn-Łukasiewicz" in cells


def test_the_export_follows_the_directory_filters_and_sort(staff_client, awkward, member_factory):
    member_factory(state="CA", last_name="Elsewhere")
    rows = read_csv(export(staff_client, columns=["last_name", "state"], state="NY", sort="-name").get_data())
    names = [row[0] for row in rows[1:]]
    assert "Elsewhere" not in names and len(names) == len(awkward)
    assert names == sorted(names, reverse=True)


def test_every_export_is_recorded_with_who_when_filter_and_rows(staff_client, staff, awkward, db):
    export(staff_client, columns=["email"], state="NY", category="le_current").get_data()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.actor_id == staff.id and staff.email in event.actor_label
    assert event.row_count == len(awkward) and event.completed
    assert event.details["filters"]["state"] == ["NY"] and event.details["columns"] == ["email"]
    html = staff_client.get("/staff/audit?action=export").get_data(as_text=True)
    assert staff.email in html and "state: NY" in html and f">{len(awkward)}" in html.replace(" ", "")


def test_an_export_cut_off_midway_stays_marked_not_finished(staff_client, awkward, db):
    response = export(staff_client, state="NY")
    response.close()  # the browser went away before the first rows
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    db.session.refresh(event)
    assert not event.completed


def test_an_export_cut_off_mid_stream_stays_unfinished_and_the_next_one_is_whole(staff_client, db):
    generate_members(1500, seed=4)
    db.session.commit()
    response = export(staff_client)
    chunks = iter(response.response)
    next(chunks), next(chunks)  # the header and the first rows reached the browser
    response.close()  # then it went away
    cut_off = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    db.session.refresh(cut_off)
    assert not cut_off.completed and cut_off.row_count == 0

    rows = read_csv(export(staff_client).get_data())
    whole = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.id != cut_off.id))
    assert whole.completed and whole.row_count == len(rows) - 1 >= 1500


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="COPY is PostgreSQL's")
def test_a_copy_stopped_part_way_leaves_the_session_usable(db):
    twenty_megabytes = select(func.repeat("x", 1000)).select_from(func.generate_series(1, 20000))
    blocks = database_csv(twenty_megabytes)
    assert len(next(blocks)) >= 64 * 1024  # the first block is out; PostgreSQL is still sending
    blocks.close()  # the browser went away
    assert db.session.scalar(select(literal(1))) == 1


def test_a_one_column_export_has_a_line_for_every_member_even_with_an_empty_cell(staff_client, awkward):
    rows = read_csv(export(staff_client, columns=["phone"], state="NY").get_data())
    assert rows[0] == ["Phone"]
    assert sorted(rows[1:]) == sorted([neutralise(member.phone)] for member in awkward)
    assert [""] in rows[1:]


def test_exporting_when_nothing_matches_makes_no_file_and_says_so(staff_client, awkward, db):
    response = export(staff_client, state="WY")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "nothing was exported" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export")) is None


@pytest.mark.parametrize("data,message", [
    ({"columns": ["password_hash"]}, "Unknown column “password_hash”"),
    ({"columns": []}, "Choose at least one column"),
    ({"columns": ["email"], "sort": "password_hash"}, "cannot be sorted by"),
    ({"columns": ["email"], "joined_from": "31/01/2024"}, "real date"),
    ({"columns": ["email"], "evil": "1"}, "Unknown filter"),
])
def test_bad_export_requests_get_a_400_with_a_reason(staff_client, awkward, data, message):
    response = staff_client.post("/staff/export", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_private_affiliations_can_be_left_out_of_an_export(staff_client, member_factory):
    member_factory(category="le_current", organisation="Secret Squad", role_title="Undercover",
                   affiliation_private=True, state="VT")
    member_factory(category="le_former", organisation="Open Agency", role_title="Chief", state="VT")
    columns = ["last_name", "organisation", "role_title"]
    full = read_csv(export(staff_client, columns=columns, state="VT").get_data())
    assert any("Secret Squad" in row for row in full)  # staff may see it
    hidden = read_csv(export(staff_client, columns=columns, state="VT", hide_private="y").get_data())
    cells = [cell for row in hidden for cell in row]
    assert "Secret Squad" not in cells and "Undercover" not in cells
    assert "Open Agency" in cells and "Chief" in cells


def test_the_export_page_shows_the_matching_count_and_column_choices(staff_client, awkward):
    html = staff_client.get("/staff/export?state=NY").get_data(as_text=True)
    assert f"<strong>{len(awkward)}</strong> members match" in html
    assert 'name="columns" type="checkbox" value="email"' in html or 'value="email"' in html
    assert '<input type="hidden" name="state" value="NY">' in html


def _peak_while_exporting(n_rows: int) -> int:
    columns = choose_columns(["first_name", "last_name", "email", "organisation", "city", "joined"])
    tracemalloc.start()
    try:
        count = sum(1 for _ in export_rows(DirectoryQuery(sort="-joined"), columns, hide_private=False))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count >= n_rows
    return peak


def test_export_memory_stays_flat_as_the_row_count_grows(app, db):
    generate_members(1500, seed=5)
    db.session.commit()
    db.session.expunge_all()
    small = _peak_while_exporting(1500)
    generate_members(6000, seed=6)
    db.session.commit()
    db.session.expunge_all()
    large = _peak_while_exporting(7500)
    # Four times the rows would take four times the memory if rows were all loaded at once.
    assert large < small * 1.8, f"peak {small} bytes for 1,500 rows, {large} for 7,500"


def test_the_cli_writes_the_export_with_a_progress_bar_and_records_it(runner, awkward, db, tmp_path):
    path = tmp_path / "members.csv"
    result = runner.invoke(args=["export-members", "-o", str(path), "--filter", "state=NY",
                                 "--columns", ",".join(ALL_COLUMNS)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {len(awkward)} members" in result.output
    rows = read_csv(path.read_bytes())
    assert len(rows) == len(awkward) + 1
    by_id = {int(row[0]): row for row in rows[1:]}
    for member in awkward:
        db.session.refresh(member)
        assert by_id[member.id] == [expected_cell(key, member) for key in ALL_COLUMNS]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.completed and event.row_count == len(awkward) and "command line" in event.actor_label
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".export-")]


@pytest.mark.parametrize("args,message", [
    (["--sort", "bogus"], "cannot be sorted by"),
    (["--filter", "state"], "name=value"),
    (["--columns", "password_hash"], "Unknown column"),
    (["--filter", "state=WY"], "No members match"),
])
def test_the_cli_refuses_bad_exports_without_writing_a_file(runner, awkward, tmp_path, args, message):
    path = tmp_path / "out.csv"
    result = runner.invoke(args=["export-members", "-o", str(path), *args])
    assert result.exit_code != 0
    assert message in result.output
    assert not path.exists()


def test_the_cli_lists_the_columns_it_can_export(runner):
    result = runner.invoke(args=["export-members", "-o", "unused.csv", "--list-columns"])
    assert result.exit_code == 0 and "email" in result.output and "Agency or organisation" in result.output


def test_a_streaming_export_leaves_the_database_free_for_writers(app, staff_client, db):
    from sqlalchemy import create_engine, text

    generate_members(1500, seed=3)
    db.session.commit()
    response = export(staff_client)
    chunks = iter(response.response)
    next(chunks), next(chunks)  # the header and the first rows are out; the export is mid-stream
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    other_writer = create_engine(url, connect_args={"timeout": 0} if url.startswith("sqlite") else {})
    with other_writer.begin() as connection:  # on SQLite: fails at once if the export held the write lock
        connection.execute(text("UPDATE timeline_entries SET title = title"))
    other_writer.dispose()
    rows = "".join(chunk.decode() if isinstance(chunk, bytes) else chunk for chunk in chunks)
    response.close()
    assert rows.count("\n") > 900
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    db.session.refresh(event)
    assert event.completed and event.row_count >= 1500


def test_the_labels_written_without_a_check_could_never_start_a_formula():
    labels = [c.label for c in CATEGORIES.values()] + list(VERIFICATION_LABELS.values()) + list(STATUS_LABELS.values())
    assert labels and not [label for label in labels if label.startswith(FORMULA_TRIGGERS)]
