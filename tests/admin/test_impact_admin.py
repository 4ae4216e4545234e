"""Staff edit the public Impact timeline: add, edit, hide and publish entries."""
from sqlalchemy import select

from leap_members.admin.models import AuditEvent
from leap_members.public.models import TimelineEntry

NEW_ENTRY = {"year": "2023", "title": "Fentanyl test strips", "position": "Members backed legal test strips.",
             "outcome": "Many states legalised them.", "published": "y"}


def test_staff_add_an_entry_that_appears_on_the_public_page(staff_client, client, db):
    response = staff_client.post("/staff/impact/new", data=NEW_ENTRY)
    assert response.status_code == 302
    assert "Fentanyl test strips" in client.get("/impact").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "impact")).startswith("Added")


def test_staff_edit_an_entry(staff_client, client, db):
    entry = db.session.scalar(select(TimelineEntry).where(TimelineEntry.year == 2016))
    html = staff_client.get(f"/staff/impact/{entry.id}").get_data(as_text=True)
    assert "Harm reduction for addiction" in html
    response = staff_client.post(f"/staff/impact/{entry.id}", data={**NEW_ENTRY, "year": "2016",
                                                                     "title": "Harm reduction saves lives"})
    assert response.status_code == 302
    assert "Harm reduction saves lives" in client.get("/impact").get_data(as_text=True)


def test_hiding_an_entry_takes_it_off_the_public_page_and_publishing_brings_it_back(staff_client, client, db):
    entry = db.session.scalar(select(TimelineEntry).where(TimelineEntry.year == 2012))
    staff_client.post(f"/staff/impact/{entry.id}/unpublish")
    assert entry.title not in client.get("/impact").get_data(as_text=True)
    assert "Hidden" in staff_client.get("/staff/impact").get_data(as_text=True)
    staff_client.post(f"/staff/impact/{entry.id}/publish")
    assert entry.title in client.get("/impact").get_data(as_text=True)
    summaries = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "impact")).all()
    assert any(s.startswith("Unpublished") for s in summaries) and any(s.startswith("Published") for s in summaries)


def test_a_bad_entry_is_refused_with_messages_beside_the_fields(staff_client, db):
    bad = {**NEW_ENTRY, "year": "20x3", "title": "", "outcome": "a\x00b"}
    response = staff_client.post("/staff/impact/new", data=bad)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="year-error"' in html and "Enter a title." in html and "control characters" in html
    assert db.session.scalar(select(TimelineEntry).where(TimelineEntry.title == "")) is None
