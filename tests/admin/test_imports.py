"""Importing a member list: a dry run with a per-row report, then one apply that adds nobody twice."""
import io

import pytest
from sqlalchemy import func, select

from leap_members.admin.models import AuditEvent, MemberImport
from leap_members.members.models import Consent, Member

HEADER = "E-mail,First name,Last name,City,State,ZIP code,Category,Agency or organisation,E-mail updates,Notes\r\n"
GOOD_FILE = HEADER + (
    "new.one@example.org,Nia,One,Boston,MA,02108,citizen,,yes,hello\r\n"
    "  Existing@Example.ORG ,Old,Member,Salem,Oregon,97301,,,no,\r\n"
    "new.two@example.org,Omar,\"Two, Jr.\",Portland,ME,4101,Law enforcement — former,"
    "\"Portland PD, \"\"East\"\"\",no,\r\n"
    "NEW.ONE@example.org,Nia,Again,Boston,MA,02108,citizen,,,dup\r\n"
    "not-an-email,Bad,Address,Boston,MA,02108,,,,\r\n"
    "missing.state@example.org,No,State,Boston,,02108,,,,\r\n"
    "bad.zip@example.org,Bad,Zip,Boston,MA,ABCDE,,,,\r\n"
    "bad.category@example.org,Bad,Category,Boston,MA,02108,sheriff,,,\r\n"
    "'=cmd@example.org,Formula,Person,Boston,MA,02108,,,,\r\n"
    "digits@example.org,Unicode,Digits,Boston,MA,٠٢١٣٩,,,,\r\n"
    "\r\n"
)


def upload(client, text, filename="members.csv", encoding="utf-8-sig"):
    data = {"file": (io.BytesIO(text.encode(encoding)), filename)}
    return client.post("/staff/import", data=data, content_type="multipart/form-data")


def member_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Member))


@pytest.fixture
def existing(member_factory):
    return member_factory(email="existing@example.org", first_name="Kept", last_name="AsIs", city="Eugene")


def test_the_dry_run_reports_every_row_and_saves_no_member(admin_client, existing, db):
    before = member_count(db)
    response = upload(admin_client, GOOD_FILE)
    assert response.status_code == 302
    report = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert member_count(db) == before
    assert "Dry run" in report and "Import 3 new members and skip 6 rows with errors" in report
    assert "The same e-mail address is already on line 2." in report
    assert "“not-an-email” is not a valid e-mail address" in report
    assert "State is missing." in report
    assert "“ABCDE” is not a ZIP code" in report
    assert "“sheriff” is not a membership category." in report
    assert "“٠٢١٣٩” is not a ZIP code" in report
    assert "Columns not used: Notes." in report


def test_applying_adds_only_new_people_once_and_records_it(admin_client, existing, db):
    location = upload(admin_client, GOOD_FILE).headers["Location"]
    import_id = int(location.rsplit("/", 1)[1])
    before = member_count(db)
    response = admin_client.post(f"/staff/import/{import_id}/apply")
    assert response.status_code == 302
    assert member_count(db) == before + 3
    two = db.session.scalar(select(Member).where(Member.email == "new.two@example.org"))
    assert two.last_name == "Two, Jr." and two.zip_code == "04101" and two.category == "le_former"
    assert two.organisation == 'Portland PD, "East"' and two.verification == "pending"
    assert two.password_hash is None and two.email_confirmed_at is None
    # A formula-looking address is a valid address; it is stored as given (exports neutralise it).
    assert db.session.scalar(select(Member.id).where(Member.email == "=cmd@example.org"))
    one = db.session.scalar(select(Member).where(Member.email == "new.one@example.org"))
    assert one.email_updates and db.session.scalar(select(Consent.source).where(Consent.member_id == one.id)) \
        .startswith(f"import #{import_id}")
    db.session.refresh(existing)
    assert (existing.first_name, existing.city) == ("Kept", "Eugene")  # matched, left unchanged
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
    assert event.row_count == 3 and event.details["errors"] == 6
    # The same upload applied again adds nobody.
    admin_client.post(f"/staff/import/{import_id}/apply")
    assert member_count(db) == before + 3
    html = admin_client.get(f"/staff/import/{import_id}").get_data(as_text=True)
    assert "3 new members added" in html


def test_uploading_the_same_list_again_matches_everyone_and_adds_nobody(admin_client, existing, db):
    first = upload(admin_client, GOOD_FILE).headers["Location"]
    admin_client.post(first + "/apply")
    count = member_count(db)
    second = upload(admin_client, GOOD_FILE).headers["Location"]
    report = admin_client.get(second).get_data(as_text=True)
    assert "There is nobody new to import." in report
    admin_client.post(second + "/apply")
    assert member_count(db) == count


def test_our_own_export_imports_cleanly_with_formula_cells_restored(admin_client, member_factory, db):
    member_factory(first_name="=SUM(1)", last_name="Formula", email="f@example.org", state="RI", zip_code="02903")
    exported = admin_client.post("/staff/export", data={
        "columns": ["email", "first_name", "last_name", "city", "state", "zip_code", "category", "email_updates"],
        "state": "RI"}).get_data()
    db.session.execute(Member.__table__.delete().where(Member.email == "f@example.org"))
    db.session.commit()
    location = upload(admin_client, exported.decode("utf-8"), encoding="utf-8").headers["Location"]
    admin_client.post(location + "/apply")
    assert db.session.scalar(select(Member.first_name).where(Member.email == "f@example.org")) == "=SUM(1)"


@pytest.mark.parametrize("content,encoding,message", [
    ("", "utf-8", "The file is empty."),
    ("Name,Phone\r\nA,1\r\n", "utf-8", "missing: email, first name, last name"),
    (HEADER + "ü@example.org,Jürgen,Müller,Köln,MA,02108,,,,\r\n", "latin-1", "not UTF-8"),
    (HEADER.replace("\r\n", "") + "\x00\x00", "utf-8", "NUL bytes"),
])
def test_an_unreadable_file_is_refused_beside_the_field(admin_client, db, content, encoding, message):
    response = upload(admin_client, content, encoding=encoding)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(MemberImport.id)) is None


def test_a_file_that_is_not_csv_is_refused(admin_client):
    response = upload(admin_client, "hello", filename="members.exe")
    assert response.status_code == 400 and "Upload a .csv file." in response.get_data(as_text=True)


def test_the_cli_dry_run_reports_and_apply_adds(runner, existing, db, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(GOOD_FILE, encoding="utf-8")
    before = member_count(db)
    result = runner.invoke(args=["import-members", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 new, 1 already members, 6 rows with errors." in result.output and "Dry run" in result.output
    assert "line 5: new.one@example.org: The same e-mail address is already on line 2." in result.output
    assert member_count(db) == before
    result = runner.invoke(args=["import-members", str(path), "--apply"])
    assert result.exit_code == 0 and "Added 3 members" in result.output
    assert member_count(db) == before + 3
