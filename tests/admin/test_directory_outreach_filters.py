"""The directory's filters for outreach: tags, e-mail topics, giving and taking part in actions.

Each narrows the directory page and, saved in a segment, the segment's members (segments.count()).
Tags, topics and actions are named by their id in the address, so renaming one keeps saved segments.
"""
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from leap_members.admin.filters import parse_query
from leap_members.advocacy.models import ActionKind, ActionSignup
from leap_members.core.timeutil import utcnow
from leap_members.donations.models import Donation, RecurringGift
from leap_members.members.models import Member
from leap_members.outreach import segments
from leap_members.outreach.models import Segment, Suppression, SuppressionReason, Tag, Topic, TopicChoice
from leap_members.outreach.tags import add_tag, create_tag
from tests.advocacy.factories import build_action

NOW = utcnow()


def gift(db, member, days_ago: int, **fields) -> None:
    values = dict(kind="one_time", amount_cents=2500, total_cents=2500, donor_email=member.email,
                  donor_first_name=member.first_name, donor_last_name=member.last_name, member_id=member.id,
                  status="paid", paid_at=NOW - timedelta(days=days_ago))
    values.update(fields)
    db.session.add(Donation(**values))


def monthly(db, member, status: str) -> None:
    db.session.add(RecurringGift(stripe_subscription_id=f"sub_{member.id}_{status}", member_id=member.id,
                                 status=status, amount_cents=1000, total_cents=1000, donor_email=member.email,
                                 donor_first_name=member.first_name, donor_last_name=member.last_name))


def signup(db, member, action, status: str, days_ago: int) -> None:
    db.session.add(ActionSignup(action_id=action.id, member_id=member.id, status=status,
                                created_at=NOW - timedelta(days=days_ago)))


@pytest.fixture
def town(db, member_factory):
    """Five members, each with their own mix of tags, topics, gifts and sign-ups."""
    people = {name: member_factory(first_name=name, last_name="Townsend", email=f"{name.lower()}@town.example",
                                   email_updates=True)
              for name in ("Ana", "Ben", "Cy", "Dee", "Eve")}
    people["Eve"].email_updates = False
    press, volunteer = create_tag("Press", None), create_tag("Volunteer", None)
    newsletter = Topic(name="Newsletter", on_by_default=True)
    briefings = Topic(name="Briefings", on_by_default=False)
    db.session.add_all([newsletter, briefings])
    db.session.flush()
    add_tag(press, [Member.id.in_([people["Ana"].id, people["Dee"].id])], None, "test")
    add_tag(volunteer, [Member.id.in_([people["Ben"].id, people["Dee"].id])], None, "test")
    # Newsletter: on by default, Cy turned it off, Eve wants no bulk mail, Dee's address bounces.
    db.session.add(TopicChoice(member_id=people["Cy"].id, topic_id=newsletter.id, subscribed=False, source="test"))
    db.session.add(Suppression(address=people["Dee"].email, reason=SuppressionReason.HARD_BOUNCE))
    # Briefings: off by default, only Ben chose it.
    db.session.add(TopicChoice(member_id=people["Ben"].id, topic_id=briefings.id, subscribed=True, source="test"))
    gift(db, people["Ana"], days_ago=40)
    gift(db, people["Ben"], days_ago=800)
    gift(db, people["Cy"], days_ago=5, paid_at=None, status="failed")   # never received: not a gift
    monthly(db, people["Ben"], "active")
    monthly(db, people["Cy"], "canceled")
    petition, event = build_action(ActionKind.PETITION), build_action(ActionKind.EVENT)
    signup(db, people["Ana"], petition, "signed", days_ago=3)
    signup(db, people["Ben"], event, "registered", days_ago=100)
    signup(db, people["Cy"], petition, "signed", days_ago=400)
    signup(db, people["Eve"], event, "cancelled", days_ago=2)    # left the event: does not count
    db.session.commit()
    ids = {"press": press.id, "volunteer": volunteer.id, "newsletter": newsletter.id, "briefings": briefings.id,
           "petition": petition.id, "event": event.id}
    return people, ids


FILTERS = [
    ("tag={press}", {"Ana", "Dee"}),
    ("tag={press}&tag={volunteer}", {"Ana", "Ben", "Dee"}),
    ("not_tag={press}", {"Ben", "Cy", "Eve"}),
    ("not_tag={press}&not_tag={volunteer}", {"Cy", "Eve"}),
    ("tag={volunteer}&not_tag={press}", {"Ben"}),
    ("topic={newsletter}", {"Ana", "Ben"}),
    ("topic={briefings}", {"Ben"}),
    ("given=ever", {"Ana", "Ben"}),
    ("given=monthly", {"Ben"}),
    ("given=months:2", {"Ana"}),
    ("given=months:1", set()),
    ("given=months:120", {"Ana", "Ben"}),
    ("action={petition}", {"Ana", "Cy"}),
    ("action={event}", {"Ben"}),
    ("acted_within=7", {"Ana"}),
    ("acted_within=365", {"Ana", "Ben"}),
    ("tag={press}&given=ever&acted_within=30", {"Ana"}),
]


@pytest.mark.parametrize("query,expected", FILTERS)
def test_each_new_filter_narrows_the_directory(staff_client, town, query, expected):
    people, ids = town
    response = staff_client.get(f"/staff/members?{query.format(**ids)}&q=townsend")
    assert response.status_code == 200, response.get_data(as_text=True)[-800:]
    html = response.get_data(as_text=True)
    shown = {name for name, person in people.items() if f'href="/staff/members/{person.id}"' in html}
    assert shown == expected


@pytest.mark.parametrize("query,expected", FILTERS)
def test_each_new_filter_narrows_a_segment_the_same_way(db, town, query, expected):
    people, ids = town
    segment = Segment(name="Test", query=query.format(**ids) + "&q=townsend")
    db.session.add(segment)
    db.session.commit()
    assert segments.count(segment) == len(expected)
    members = set(db.session.scalars(segments.members_of(segment)))
    assert members == {people[name].id for name in expected}


def test_the_filters_read_back_from_their_own_query_string(db, town):
    _, ids = town
    text = (f"tag={ids['volunteer']}&tag={ids['press']}&not_tag={ids['press']}&topic={ids['briefings']}"
            f"&given=months:07&action={ids['event']}&acted_within=30")
    query = parse_query(MultiDict([pair.split("=") for pair in text.split("&")]))
    assert query.tags == (ids["volunteer"], ids["press"]) and query.given == "months:7"
    assert parse_query(MultiDict(query.filter_args())) == query


def test_the_form_shows_what_was_chosen_and_the_heading_says_it_in_words(staff_client, town):
    _, ids = town
    html = staff_client.get(f"/staff/members?tag={ids['press']}&not_tag={ids['volunteer']}&topic={ids['newsletter']}"
                            f"&given=months:7&action={ids['petition']}&acted_within=30").get_data(as_text=True)
    for name, value in (("tag", ids["press"]), ("not_tag", ids["volunteer"]), ("topic", ids["newsletter"]),
                        ("action", ids["petition"])):
        select_html = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{value}" selected>' in select_html, name
    assert '<option value="months:7" selected>In the last 7 months</option>' in html
    assert 'name="acted_within" value="30"' in html
    for words in ("has tag: “Press”", "does not have tag: “Volunteer”", "gets e-mail of: “Newsletter”",
                  "has given: in the last 7 months", "takes part in: “A petition action 1”",
                  "took part in an action in the last: 30 days"):
        assert words in html


def test_a_renamed_tag_still_filters_a_saved_segment(db, town):
    people, ids = town
    segment = Segment(name="Press people", query=f"tag={ids['press']}")
    db.session.add(segment)
    db.session.commit()
    db.session.get(Tag, ids["press"]).name = "Journalists"
    db.session.commit()
    assert segments.count(segment) == 2


@pytest.mark.parametrize("query,message", [
    ("tag=press", "“tag” takes tag numbers, like tag=3; “press” is not one."),
    ("tag=99999", "There is no tag number 99999; it may have been deleted."),
    ("not_tag=-1", "“not_tag” takes tag numbers"),
    ("not_tag=99999999999", "“not_tag” takes tag numbers"),
    ("topic=news", "“topic” takes topic numbers"),
    ("topic=99999", "There is no topic number 99999"),
    ("given=sometimes", "“given” takes ever, monthly (a monthly gift active now) or months:N"),
    ("given=months:0", "“given” takes ever, monthly"),
    ("given=months:121", "“given” takes ever, monthly"),
    ("given=months:" + "9" * 5000, "“given” takes ever, monthly"),
    ("given=ever&given=monthly", "Give “given” only once."),
    ("action=petition", "“action” takes action numbers"),
    ("action=99999", "There is no action number 99999"),
    ("acted_within=0", "“acted_within” takes a number of days from 1 to 3650"),
    ("acted_within=3651", "“acted_within” takes a number of days from 1 to 3650"),
    ("acted_within=1e3", "“acted_within” takes a number of days"),
    ("acted_within=" + "9" * 5000, "“acted_within” takes a number of days"),
])
def test_bad_values_of_the_new_filters_are_refused_by_the_directory_and_by_the_segment_form(
        staff_client, db, town, query, message):
    response = staff_client.get(f"/staff/members?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    if len(query) <= 2000:   # the segment form's limit for its filters
        saved = staff_client.post("/staff/outreach/segments/new", data={"name": "Broken", "query": query})
        assert saved.status_code == 400 and message in saved.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Segment)) == 0
