"""Staff in a real browser: log in, filter the directory, export the CSV, decide a verification."""
import csv
import io
from pathlib import Path

import pytest

from leap_members.admin.fake_data import generate_members
from leap_members.extensions import db
from tests.support.factories import PASSWORD, make_member

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(live_app):
    with live_app.app_context():
        staff = make_member(role="staff", email="console@example.org", first_name="Casey", last_name="Console")
        make_member(first_name="=HYPERLINK(\"x\")", last_name="Okafor, Jr.", state="RI", zip_code="02903",
                    email="okafor@example.org")
        make_member(first_name="Zoë", last_name="Ďurová", state="RI", zip_code="02860", email="zoe@example.org")
        claim = make_member(category="le_current", first_name="Val", last_name="Claimant",
                            organisation="Cranston PD", email="val@example.org")
        generate_members(40, seed=4)  # none of them in RI
        db.session.commit()
        return {"staff": staff.email, "claim": claim.id}


def log_in(page, email):
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account")


def test_staff_filter_the_directory_and_download_exactly_those_members(page, people):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, people["staff"])
    page.get_by_role("link", name="Staff").click()
    assert page.locator("svg rect").count() >= 12  # the chart, drawn by the server
    page.get_by_role("navigation", name="Staff console").get_by_role("link", name="Members").click()
    page.locator("summary", has_text="Filters").click()
    page.get_by_label("State").select_option("RI")
    page.get_by_role("button", name="Show members").click()
    assert page.get_by_text("2 members match").is_visible()
    page.get_by_role("link", name="Export these as CSV").click()
    page.get_by_label("Phone").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    data = Path(info.value.path()).read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"), newline="")))
    assert rows[0][:3] == ["First name", "Last name", "E-mail"] and "Phone" in rows[0]
    assert sorted(row[1] for row in rows[1:]) == ["Okafor, Jr.", "Ďurová"]
    assert "'=HYPERLINK(\"x\")" in [row[0] for row in rows[1:]]
    page.get_by_role("link", name="Audit log").click()
    assert page.get_by_text("Exported 2 members").is_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_staff_verify_a_claim_from_the_queue(page, people):
    log_in(page, people["staff"])
    page.goto("/staff/verification")
    claim = page.locator(f"#claim-{people['claim']}")
    assert claim.get_by_text("Cranston PD").is_visible()
    claim.get_by_label("Verify", exact=True).check()
    claim.get_by_role("button", name="Send decision").click()
    assert page.get_by_text("Val Claimant is verified").is_visible()


def test_the_console_fits_a_phone_screen(page, people):
    log_in(page, people["staff"])
    for path in ("/staff/", "/staff/verification", "/staff/export"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px screen"
