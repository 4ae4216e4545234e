"""Every route in the URL map, fed hostile input by Hypothesis: nothing anyone sends gives a 5xx.

For each route, Hypothesis picks a person (visitor, member, staff, admin) and hostile input: URL
arguments (NUL and other control characters, 20-digit and negative numbers, invalid UTF-8, very
long strings, unicode, ``..``, SQL), query strings and form bodies. Queries and bodies start from
the forms the app itself renders (read from every page, with the ids of a seeded world), so that
hostile values in some fields meet valid values in the others and reach the code behind the
validation, not only its first error. Below them, the cases a tester reported, as plain examples.

One app, one world and one client per person serve every example: the test builds them once and
runs Hypothesis inside it, so no function-scoped fixture is reused across examples behind
Hypothesis's back. What one example changes (a gift started, an action closed) only gives later
examples other pages to crash on, and a crash is a failure whatever came before it.
"""
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from tests.security.routes import get_rules, post_rules
from tests.support.clients import client_as, log_in
from tests.support.world import build_world

ROLES = ("visitor", "member", "staff", "admin")
NASTY = (
    "\x00", "a\x00b", "\x01", "\t", "\n", "\r\n", "\x1b[31m", "\x7f", "", " ", "-1", "0", "00", "+1", "1.5", "1e309",
    "NaN", "inf", "0x1F", "1_000", "\uff11\uff12", "\u0661\u0662", "99999999999999999999", "-99999999999999999999",
    str(2**31), str(2**63), str(2**64), "9" * 400, "9" * 5000, "x" * 10000, "..", "../..", "../../etc/passwd",
    "%", "%00", "%FF", "%%32%65", "' OR '1'='1", "1; DROP TABLE members--", "\" OR 1=1--", "1 UNION SELECT NULL--",
    "<script>alert(1)</script>", "{{7*7}}", "${7*7}", "é", "日本語", "🙂", "\u202e", "\ufeff", "\ufffd",
    "0001-01-01", "9999-12-31", "2024-02-30", "9999-12-31T23:59", "null", "[]", "{}", "true", "other", "leap",
)
# What is most likely to break a field of each kind (by the type of its <input>).
TYPED = {
    "number": ("9" * 400, "99999999999999999999", str(2**63), "-1", "0", "1e309", "\u0661\u0662", " 7 "),
    "date": ("9999-12-31", "0001-01-01", "1900-01-01", "2024-02-30", "31/12/2024", "2024-12-31T10:00"),
    "datetime-local": ("9999-12-31T23:59", "0001-01-01T00:00", "9999-12-31T23:59:59", "2024-03-10T02:30",
                       "2024-11-03T01:30", "2024-12-31"),
    "email": ("a@b", "x" * 300 + "@example.org", "é@exämple.org", "<a@b.org>", "a@b.org\nBcc: c@d.org"),
    "hidden": ("99999999999999999999", "-1", "0", "' OR 1=1--", "", "x" * 1000),
    "password": ("x" * 100_000, "", " "),
}
INVALID_UTF8 = (b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf")
# A CSV import that is nearly right, and some that are not, for the file fields.
CSV_FILES = (b"email,first name,last name,city,state,zip\nnew@example.org,Nia,New,Dayton,OH,45402\n",
             b"\xef\xbb\xbfemail,first name\n\x00,\xff\n", b"email\n" + b"a," * 5000 + b"\n", b"", b"\xff\xfe\x00")
# How a rendered field is changed: kept (most often, so that the other changes reach deep), given a
# value meant for its kind, one of its options, any hostile value, or left out.
CHANGES = ("keep", "keep", "keep", "typed", "typed", "option", "any", "drop")
GET_EXAMPLES_PER_ROUTE = 20
POST_EXAMPLES_PER_ROUTE = 40

# Control characters come from NASTY and the bytes: the app refuses them in an address before any
# view runs, so random text without them reaches the views more often.
text_values = st.one_of(st.sampled_from(NASTY), st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30),
                        st.integers(min_value=-10**25, max_value=10**25).map(str))
hostile_values = st.one_of(text_values, st.sampled_from(INVALID_UTF8), st.binary(max_size=16))


@dataclass
class PageForm:
    """A form as a page renders it: what it sends as it stands, and what each field could send."""
    method: str
    action: str
    fields: dict = field(default_factory=dict)    # name -> values sent as rendered
    options: dict = field(default_factory=dict)   # name -> every value a radio, checkbox or select offers
    kinds: dict = field(default_factory=dict)     # name -> input type ("number", "date", "select"...)

    @property
    def names(self) -> list[str]:
        return sorted(self.kinds)


class FormReader(HTMLParser):
    """The forms of a page, read the way a browser would submit them."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms, self._select, self._textarea = page_url, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            self.forms.append(PageForm((attrs.get("method") or "get").upper(), action))
            return
        name = attrs.get("name")
        if not self.forms or not name or tag not in ("input", "select", "textarea"):
            if tag == "option" and self._select:
                self._add_option(self._select, attrs.get("value") or "", "selected" in attrs)
            return
        form, kind = self.forms[-1], attrs.get("type", "text") if tag == "input" else tag
        form.kinds.setdefault(name, kind)
        if kind in ("checkbox", "radio"):
            self._add_option(name, attrs.get("value") or "on", "checked" in attrs)
        elif tag == "select":
            self._select = name
            form.fields.setdefault(name, [])
        elif tag == "textarea":
            self._textarea = name
            form.fields[name] = [""]
        elif kind != "file" and not (kind == "submit" and name in form.fields):
            form.fields.setdefault(name, []).append(attrs.get("value") or "")

    def _add_option(self, name: str, value: str, chosen: bool) -> None:
        form = self.forms[-1]
        form.options.setdefault(name, []).append(value)
        if chosen:
            form.fields[name] = [value] if form.kinds[name] != "checkbox" else form.fields.get(name, []) + [value]

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1].fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Target:
    """The app, its seeded world, a client per person and the forms each person is shown."""
    app: object
    world: object
    clients: dict
    forms: dict     # (endpoint, method, role) -> [PageForm]
    field_names: list

    def person(self, role: str):
        return {"visitor": None, "member": self.world.owner, "staff": self.world.staff,
                "admin": self.world.admin}[role]

    def client(self, role: str):
        """The person's client, logged in again whatever the last example did (e.g. log out)."""
        client = self.clients[role]
        if role != "visitor":
            log_in(client, self.person(role))
        return client

    def roles_shown(self, endpoint: str, method: str) -> list[str]:
        return [role for role in ROLES if (endpoint, method, role) in self.forms]


def endpoint_of(adapter, url: str, method: str) -> str | None:
    try:
        return adapter.match(urlsplit(url).path, method=method)[0]
    except HTTPException:
        return None


def build_target(app) -> Target:
    """Seed the world, then read the forms on every page as every person sees them."""
    world = build_world()
    target = Target(app, world, {}, {}, [])
    target.clients = {role: client_as(app, target.person(role)) for role in ROLES}
    adapter = app.url_map.bind("localhost")
    names = set()
    for rule in get_rules(app):
        url = rule.build(world.url_values(rule), append_unknown=False)[1]
        for role in ROLES:
            response = target.client(role).get(url)
            page = response.get_data()
            assert response.status_code < 500, f"{role} GET {url} with real ids -> {response.status_code}"
            if response.mimetype != "text/html":
                continue
            reader = FormReader("http://localhost" + url)
            reader.feed(page.decode())
            for form in reader.forms:
                endpoint = endpoint_of(adapter, form.action, form.method)
                if endpoint:
                    target.forms.setdefault((endpoint, form.method, role), []).append(form)
                    names |= set(form.names)
    target.field_names = sorted(names)
    return target


def path_with(rule, values: dict) -> str:
    """The rule's path with each argument replaced by ``values[name]`` as an attacker would send it."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: quote(values[m.group(1)], safe=""), rule.rule)


@st.composite
def url_arguments(draw, target: Target, rule) -> dict:
    """For each argument a real id or token (two times in three, so that the rest of the request
    matters), else hostile text."""
    values = {}
    for name in rule.arguments:
        real = st.sampled_from([str(value) for value in target.world.candidates(rule.endpoint, name)])
        values[name] = draw(st.sampled_from((real, real, hostile_values)).flatmap(lambda strategy: strategy))
    return values


@st.composite
def hostile_pairs(draw, target: Target, form: PageForm | None) -> list[tuple]:
    """The fields of a rendered form, each changed or not (see CHANGES), then extra fields named
    like those of any form, or not at all."""
    pairs = []
    for name in form.names if form else ():
        change = draw(st.sampled_from(CHANGES))
        pool = {"typed": TYPED.get(form.kinds[name]), "option": form.options.get(name)}.get(change)
        if change == "keep":
            pairs += [(name, value) for value in form.fields.get(name, [])]
        elif pool:
            pairs.append((name, draw(st.sampled_from(pool))))
        elif change != "drop":
            pairs += [(name, value) for value in draw(st.lists(hostile_values, min_size=1, max_size=2))]
    names = st.one_of(st.sampled_from(target.field_names), hostile_values)
    return pairs + draw(st.lists(st.tuples(names, hostile_values), max_size=3))


def encoded(pairs: list[tuple]) -> str:
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)


def as_text(value) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


@st.composite
def multipart(draw, pairs: list[tuple], form: PageForm | None) -> MultiDict:
    """The pairs as multipart fields, a file for each file field, and sometimes a file where the
    form has none."""
    fields = MultiDict([(as_text(key), as_text(value)) for key, value in pairs])
    files = [name for name in form.names if form.kinds[name] == "file"] if form else []
    if draw(st.booleans()):
        files.append(draw(st.sampled_from(form.names if form and form.names else ["file"])))
    for name in files:
        content = draw(st.one_of(st.sampled_from(CSV_FILES), st.binary(max_size=64)))
        fields.add(name, (io.BytesIO(content), draw(st.sampled_from(("members.csv", "a\x00.csv", "../x.csv", "")))))
    return fields


def chosen_form(draw, target: Target, endpoint: str, method: str, role: str) -> PageForm | None:
    forms = target.forms.get((endpoint, method, role)) or []
    return draw(st.sampled_from(forms)) if forms else None


def no_server_error(caplog, client, description: str, **request) -> None:
    caplog.clear()
    response = client.open(**request)
    response.get_data()   # run a streamed body (CSV exports) to the end, inside its request
    response.close()
    assert response.status_code < 500, f"{description} -> {response.status_code}\n{caplog.text[-4000:]}"


def fuzz_every_route(target: Target, rules, method: str, examples: int, send) -> None:
    """Run ``send(data, rule, role)`` under Hypothesis for each rule; fail listing every route that broke."""
    failures = []
    for rule in rules:
        # People shown a form for this route first, so that most examples get past the login.
        roles = target.roles_shown(rule.endpoint, method) + list(ROLES)

        @settings(max_examples=examples, deadline=None, derandomize=True, database=None)
        @given(st.data())
        def check(data):
            send(data, rule, data.draw(st.sampled_from(roles)))

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collected, so one run lists every broken route
            failures.append(f"{method} {rule.rule}: {exc}\n" + "\n".join(getattr(exc, "__notes__", [])))
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def target(app):
    return build_target(app)


def test_no_hostile_url_or_query_string_causes_a_server_error(target, caplog):
    def send(data, rule, role):
        path = path_with(rule, data.draw(url_arguments(target, rule)))
        query = encoded(data.draw(hostile_pairs(target, chosen_form(data.draw, target, rule.endpoint, "GET", role))))
        no_server_error(caplog, target.client(role), f"{role} GET {path}?{query}", path=path, method="GET",
                        query_string=query)

    fuzz_every_route(target, get_rules(target.app), "GET", GET_EXAMPLES_PER_ROUTE, send)


def test_no_hostile_form_body_causes_a_server_error(target, caplog):
    def send(data, rule, role):
        path = path_with(rule, data.draw(url_arguments(target, rule)))
        form = chosen_form(data.draw, target, rule.endpoint, "POST", role)
        pairs = data.draw(hostile_pairs(target, form))
        query = encoded(data.draw(st.lists(st.tuples(text_values, text_values), max_size=2)))
        if data.draw(st.booleans()):
            body = {"data": data.draw(multipart(pairs, form)), "content_type": "multipart/form-data"}
        else:
            body = {"data": encoded(pairs), "content_type": "application/x-www-form-urlencoded"}
        no_server_error(caplog, target.client(role), f"{role} POST {path}?{query} {body['data']!r:.3000}",
                        path=path, method="POST", query_string=query, **body)

    fuzz_every_route(target, post_rules(target.app), "POST", POST_EXAMPLES_PER_ROUTE, send)


# --- The cases the tester reported ----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/actions/%00", "/actions/a%00b/calendar.ics", "/actions/%00/sign-up",
                                  "/donate/receipt/%00", "/donate/thank-you/%00", "/donate/thank-you/a%01b",
                                  "/actions?page=%00", "/no-such-page/%00"])
def test_a_control_character_in_an_address_gets_400_saying_why(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "control character" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", ["99999999999999999999", str(2**31), str(2**63), str(2**64)])
def test_an_id_larger_than_the_database_holds_is_no_page(client, auth, admin, number):
    auth.login(admin.email)
    for path in (f"/actions/{number}", f"/staff/partnerships/{number}", f"/staff/partnerships/{number}/edit",
                 f"/staff/members/{number}"):
        assert client.get(path).status_code == 404, path

