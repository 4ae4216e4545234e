"""Following agreements up: the filtered list, its CSV export, the dashboard panel and the weekly digest."""
import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from leap_members.core.registry import dashboard_panels, merge_steps
from leap_members.partnerships import history, lifecycle
from leap_members.partnerships.digest import queue_agreement_digest
from leap_members.partnerships.lifecycle import add_years
from leap_members.partnerships.models import Agreement, PartnershipChange
from leap_members.partnerships.queries import AgreementFilter, list_agreements, status_counts
from leap_members.partnerships.services import move_partnership_authorship, partnerships_panel
from tests.support.smtp import body_of


def signed_ending_in(today: date, days: int, years: int = 3) -> date:
    """A signing date whose term ends ``days`` days from today."""
    target = today + timedelta(days=days)
    return add_years(target, -years) if not (target.month == 2 and target.day == 29) else target - timedelta(days=1)


@pytest.fixture
def portfolio(make_partner, make_agreement, today):
    """One agreement in each situation, named by what the follow-up should say about it."""
    oakland = make_partner("Oakland Police Department", state="CA")
    riverside = make_partner("Riverside Community Coalition", kind="community")
    return {
        "draft": make_agreement(partner=oakland),
        "term_ends_in_30": make_agreement(partner=oakland, signed_on=signed_ending_in(today, 30), governing_state="CA"),
        "notice_ends_in_60": make_agreement(partner=riverside, signed_on=today - timedelta(days=400),
                                            notice_on=today - timedelta(days=30)),
        "term_ends_in_120": make_agreement(partner=riverside, signed_on=signed_ending_in(today, 120)),
        "ended": make_agreement(partner=riverside, signed_on=today - timedelta(days=4 * 366)),
        "terminated": make_agreement(partner=oakland, signed_on=today - timedelta(days=500),
                                     notice_on=today - timedelta(days=95), governing_state="CA"),
    }


def references(agreements) -> set[str]:
    return {agreement.reference for agreement in agreements}


def test_portfolio_statuses_are_what_the_dates_say(portfolio, today):
    statuses = {name: agreement.status_on(today) for name, agreement in portfolio.items()}
    assert statuses == {"draft": "draft", "term_ends_in_30": "active", "notice_ends_in_60": "notice_given",
                        "term_ends_in_120": "active", "ended": "ended", "terminated": "ended"}
    assert portfolio["terminated"].end_reason == "terminated" and portfolio["ended"].end_reason == "expired"


@pytest.mark.parametrize("status", lifecycle.STATUSES)
def test_status_filter_in_the_database_agrees_with_the_computed_status(portfolio, today, status):
    found = list_agreements(AgreementFilter(status=status), today)
    expected = [a for a in portfolio.values() if a.status_on(today) == status]
    assert references(found) == references(expected)
    assert status_counts(today)[status] == len(expected)


@pytest.mark.parametrize("query, expected", [
    ("status=active", {"term_ends_in_30", "term_ends_in_120"}),
    ("status=notice_given", {"notice_ends_in_60"}),
    ("status=ended", {"ended", "terminated"}),
    ("status=draft", {"draft"}),
    ("state=CA", {"term_ends_in_30", "terminated"}),
    ("ending_within=90", {"term_ends_in_30", "notice_ends_in_60"}),
    ("ending_within=30", {"term_ends_in_30"}),
    ("ending_within=29", set()),
    ("status=active&ending_within=90", {"term_ends_in_30"}),
])
def test_staff_list_filters(staff_client, portfolio, query, expected):
    page = staff_client.get(f"/staff/partnerships/?{query}").get_data(as_text=True)
    shown = {name for name, agreement in portfolio.items() if f">{agreement.reference}<" in page}
    assert shown == expected


def test_partner_filter_shows_that_partners_agreements(staff_client, portfolio):
    partner_id = portfolio["draft"].party_b_partner_id
    page = staff_client.get(f"/staff/partnerships/?partner={partner_id}").get_data(as_text=True)
    shown = {name for name, agreement in portfolio.items() if f">{agreement.reference}<" in page}
    assert shown == {"draft", "term_ends_in_30", "terminated"}


@pytest.mark.parametrize("query, message", [
    ("status=lapsed", "Not a valid choice."),
    ("ending_within=soon", "Not a valid integer value."),
    ("ending_within=0", "Enter a number of days from 1 to 3650."),
    ("partner=999999", "Not a valid choice."),
    ("state=ZZ", "Not a valid choice."),
    ("status=active%27%20OR%201=1--", "Not a valid choice."),
])
def test_bad_filter_values_get_a_400_with_the_reason(staff_client, portfolio, query, message):
    for path in ("/staff/partnerships/", "/staff/partnerships/export.csv"):
        response = staff_client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


def read_csv(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_export_has_the_filtered_rows_with_their_dates(staff_client, portfolio, today):
    response = staff_client.get("/staff/partnerships/export.csv?ending_within=90")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = {row["Reference"]: row for row in read_csv(response)}
    assert set(rows) == {portfolio["term_ends_in_30"].reference, portfolio["notice_ends_in_60"].reference}
    by_notice = rows[portfolio["notice_ends_in_60"].reference]
    assert by_notice["Status"] == "Notice given"
    assert by_notice["Notice received on"] == (today - timedelta(days=30)).isoformat()
    assert by_notice["Ends on"] == (today + timedelta(days=60)).isoformat()
    assert by_notice["Days left"] == "60"
    assert by_notice["Party A"] == "LEAP" and by_notice["Party B"] == "Riverside Community Coalition"


def test_csv_export_neutralises_formulas_in_partner_names(staff_client, make_partner, make_agreement, today):
    partner = make_partner('=HYPERLINK("http://evil.example","click")')
    make_agreement(partner=partner, signed_on=today)
    rows = read_csv(staff_client.get("/staff/partnerships/export.csv"))
    assert rows[0]["Party B"] == '\'=HYPERLINK("http://evil.example","click")'


def test_csv_export_lists_ended_agreements_with_how_they_ended(staff_client, portfolio):
    rows = {row["Reference"]: row for row in read_csv(staff_client.get("/staff/partnerships/export.csv?status=ended"))}
    assert rows[portfolio["terminated"].reference]["Ended by"] == "terminated"
    assert rows[portfolio["ended"].reference]["Ended by"] == "expired"


def test_dashboard_panel_is_registered_and_shows_counts_and_what_ends_soon(app, portfolio):
    assert partnerships_panel in dashboard_panels
    with app.test_request_context("/staff/"):
        template, context = partnerships_panel()
        html = app.jinja_env.get_template(template).render(**context)
    assert context["partnership_counts"] == {"draft": 1, "active": 2, "notice_given": 1, "ended": 2}
    assert references(context["partnership_ending"]) == {portfolio["term_ends_in_30"].reference,
                                                         portfolio["notice_ends_in_60"].reference}
    assert "Active: <strong>2</strong>" in html
    assert f">{portfolio['notice_ends_in_60'].reference}</a>" in html and "(notice given)" in html
    assert portfolio["term_ends_in_120"].reference not in html


def test_digest_lists_agreements_whose_term_or_notice_ends_within_90_days(runner, deliver, portfolio, staff, today):
    result = runner.invoke(args=["send-agreement-digest"])
    assert result.exit_code == 0, result.output
    assert "2 agreement(s) end within 90 days" in result.output
    message = deliver().last_to(staff.email)
    assert message["Subject"] == "Partnership agreements ending within 90 days: 2"
    body = body_of(message)
    assert f"between {today:%B %-d, %Y} and {today + timedelta(days=90):%B %-d, %Y}" in body
    notice_part, term_part = body.split("NOTICE PERIODS ENDING")[1].split("TERMS ENDING")
    soon_notice, soon_term = portfolio["notice_ends_in_60"], portfolio["term_ends_in_30"]
    assert f"{soon_notice.reference}: LEAP and Riverside Community Coalition" in notice_part
    assert "(in 60 days): the notice period ends; written notice received" in notice_part
    assert f"{soon_term.reference}: LEAP and Oakland Police Department" in term_part
    assert "(in 30 days): the term ends; no renewal recorded." in term_part
    assert f"http://localhost/staff/partnerships/{soon_term.id}" in term_part
    for name in ("draft", "term_ends_in_120", "ended", "terminated"):
        assert f"{portfolio[name].reference}:" not in body


def test_digest_goes_to_every_active_staff_member_once_a_day(runner, deliver, portfolio, staff, admin,
                                                            member_factory, member):
    member_factory(role="staff", status="suspended", email="gone@example.org")
    runner.invoke(args=["send-agreement-digest"])
    again = runner.invoke(args=["send-agreement-digest"])
    assert "digest queued for 0 of 2" in again.output
    inbox = deliver()
    assert sorted(m["To"] for m in inbox.messages) == sorted([staff.email, admin.email])


def test_digest_to_a_chosen_address_and_date(runner, deliver, portfolio, today):
    later = today + timedelta(days=45)
    result = runner.invoke(args=["send-agreement-digest", "--to", "partnerships@leap.example",
                                 "--today", later.isoformat(), "--days", "30"])
    assert result.exit_code == 0, result.output
    body = body_of(deliver().last_to("partnerships@leap.example"))
    assert portfolio["notice_ends_in_60"].reference in body and "(in 15 days)" in body
    assert portfolio["term_ends_in_30"].reference not in body  # it has ended by then


def test_digest_sends_nothing_when_nothing_ends_soon(runner, deliver, make_agreement, staff, today):
    make_agreement(signed_on=today)
    result = runner.invoke(args=["send-agreement-digest"])
    assert result.exit_code == 0 and "no e-mail queued" in result.output
    assert deliver().messages == []


def test_digest_refuses_a_malformed_address(runner, deliver, portfolio):
    result = runner.invoke(args=["send-agreement-digest", "--to", "not an address"])
    assert result.exit_code != 0 and "is not a valid e-mail address" in result.output
    assert deliver().messages == []


def test_digest_without_any_staff_address_fails_loudly(runner, portfolio):
    result = runner.invoke(args=["send-agreement-digest"])
    assert result.exit_code != 0
    assert "No staff member with a confirmed e-mail address" in result.output


def test_digest_mentions_a_drafted_renewal(app, db, portfolio, today, staff_client):
    staff_client.post(f"/staff/partnerships/{portfolio['term_ends_in_30'].id}/renew")
    queued, items = queue_agreement_digest(today, 90, ["x@example.org"])
    renewal = db.session.scalar(select(Agreement).where(Agreement.renewed_from_id == portfolio["term_ends_in_30"].id))
    term_item = next(item for item in items if item.reference == portfolio["term_ends_in_30"].reference)
    assert term_item.renewal == f"renewal {renewal.reference} is drafted, not yet signed"


def test_merging_staff_records_keeps_the_history_authorship(app, db, member_factory, make_agreement):
    old, kept = member_factory(role="staff"), member_factory(role="staff")
    agreement = make_agreement()
    history.record("edited", old, agreement=agreement, details="x")
    db.session.commit()
    assert move_partnership_authorship in merge_steps
    moved = move_partnership_authorship(old.id, kept.id)
    db.session.commit()
    assert moved == {"partnership history entries": 1}
    assert db.session.scalar(select(PartnershipChange.actor_id).where(PartnershipChange.action == "edited")) == kept.id
