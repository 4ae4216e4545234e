"""The staff dashboard: members by category, state and status, charts drawn as SVG, panels from features."""
import re
from datetime import datetime

from jinja2 import ChoiceLoader, DictLoader

from leap_members.admin.dashboard import new_members_per_month
from leap_members.core import registry
from leap_members.core.monthly import month_starts
from leap_members.core.timeutil import utcnow


def test_breakdowns_count_members_by_category_state_and_status(staff_client, member_factory):
    member_factory(category="le_current", state="AZ")
    member_factory(category="le_current", state="AZ", status="lapsed")
    member_factory(category="citizen", state="VT")
    member_factory(category="citizen", state="VT", status="merged", email="merged-9@merged.invalid")
    html = staff_client.get("/staff/").get_data(as_text=True)
    assert re.search(r'category=le_current">Law enforcement — current</a></td><td>2<', html)
    assert re.search(r'state=AZ">Arizona</a></td><td>2<', html)
    assert re.search(r'state=VT">Vermont</a></td><td>1<', html)  # the merged shell is not counted
    assert re.search(r'status=lapsed">Lapsed</a></td><td>1<', html)


def test_new_members_per_month_cover_twelve_months_including_empty_ones(app, member_factory):
    now = utcnow()
    member_factory(created_at=now)
    member_factory(created_at=now)
    member_factory(created_at=datetime(now.year - 3, 1, 15))  # too old to show
    points = new_members_per_month()
    assert len(points) == 12
    assert points[-1] == (now.strftime("%b %Y"), 2)
    assert sum(count for _, count in points) == 2


def test_month_starts_cross_the_new_year():
    starts = month_starts(datetime(2025, 2, 10).date(), 4)
    assert [s.isoformat() for s in starts] == ["2024-11-01", "2024-12-01", "2025-01-01", "2025-02-01"]


def test_the_chart_is_inline_svg_without_scripts_or_style_attributes(staff_client, member):
    html = staff_client.get("/staff/").get_data(as_text=True)
    chart = html[html.index("<svg viewBox"):html.index("</svg>")]
    assert chart.count("<rect") == 12
    assert "style=" not in html and "<script>" not in html.replace('<script src=', '')
    assert "New members per month, last 12 months as a table" in html


def test_registered_dashboard_panels_are_shown(app, staff_client, monkeypatch):
    monkeypatch.setattr(app, "jinja_loader", ChoiceLoader([
        DictLoader({"panel_test.html": "<section class=card><h2>Donations per month</h2>{{ total|money }}</section>"}),
        app.jinja_loader]))
    monkeypatch.setattr(registry, "dashboard_panels",
                        registry.dashboard_panels + [lambda: ("panel_test.html", {"total": 123456})])
    html = staff_client.get("/staff/").get_data(as_text=True)
    assert "Donations per month" in html and "$1,234.56" in html


def test_a_failing_panel_does_not_take_the_dashboard_down(staff_client, monkeypatch):
    def broken():
        raise RuntimeError("payments database unreachable")
    monkeypatch.setattr(registry, "dashboard_panels", registry.dashboard_panels + [broken])
    response = staff_client.get("/staff/")
    assert response.status_code == 200
    assert "could not be loaded" in response.get_data(as_text=True)
