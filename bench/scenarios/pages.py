"""Page views as people make them: the home page as visitors, the action list as hundreds of members,
the staff directory as a mix of distinct searches. No scenario repeats one request: each loads a list
of distinct requests in turn (bench/lua/requests.lua)."""
import gc
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from sqlalchemy import func, select

from harness.browser import Browser
from leap_members.extensions import db
from leap_members.members.categories import CATEGORIES
from leap_members.members.geography import US_STATES
from leap_members.members.models import Member

from ..context import BenchContext
from ..data import PASSWORD, SEED, STAFF_EMAIL, logging_in_members
from ..inproc import app_for, counting_queries, logged_in_client
from ..load import LoadResult, run_wrk_requests
from ..report import Row
from . import scenario

HOME_RATIO = 0.5
ACTIONS_RATIO = 0.25
DIRECTORY_P95_MS = 50.0
DIRECTORY_CLIENTS = 4
DIRECTORY_MIX = 400          # distinct directory requests in the mix
MIN_SESSIONS = 200           # the action list is loaded as at least this many members (on a large data set)
QUERY_COUNT_PAGE_SIZES = (25, 200)
# Two representative queries whose SQL statements are counted at two page sizes: the count must not grow.
COUNTED_QUERIES = ("q=rivera&category=le_current&category=le_former&sort=-joined", "q=rivera&state=CA&sort=-joined")
SEARCH_KINDS = {"surname": "surname", "part": "part of a surname", "email": "part of an e-mail",
                "two": "two letters", "none": "filters only"}
SORT_KEYS = ("name", "email", "joined", "state", "category", "verification")
# What a member's browser asks for on the action list: mostly the list, sometimes filtered or sorted.
ACTION_PATHS = ("/actions", "/actions", "/actions", "/actions?kind=petition", "/actions?kind=event",
                "/actions?taken=no", "/actions?taken=yes", "/actions?sort=closing", "/actions?kind=letter&taken=no")
VISITOR_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
)


def _rng(salt: int) -> random.Random:
    return random.Random(SEED + salt)  # nosec B311: benchmark load


def load_row(name: str, ctx: BenchContext, requests: list[tuple[str, dict]], minimum_ratio: float) -> Row:
    """Load the distinct ``requests`` in turn and compare requests/s with hello-world measured just before."""
    baseline = ctx.hello_world()
    result = run_wrk_requests(ctx.app_server.url, requests, ctx.duration)
    ratio = result.rps / baseline.rps
    row = Row(name, result.rps, result.p50_ms, result.p95_ms, result.p99_ms, ratio, f">= {minimum_ratio} x hello-world")
    row.passed = row.check("ratio", ratio, minimum_ratio) and result.failed == 0 and result.errors == 0
    row.notes["requests"] = f"{result.requests}, going through {result.extra['distinct requests']} distinct ones"
    row.notes["hello-world just before"] = f"{baseline.rps:.1f} req/s"
    _failures(row, result)
    return row


def _failures(row: Row, result: LoadResult) -> None:
    if result.failed or result.errors:
        row.notes["answers other than 200"] = result.failed
        row.notes["socket errors"] = result.errors


# --- home page ------------------------------------------------------------------------------------

def visitor_requests(count: int = 500) -> list[tuple[str, dict]]:
    """Visitors without a cookie, from many browsers, some arriving from a newsletter, a search or a share."""
    rng = _rng(10)
    requests = []
    for n in range(count):
        arrival = rng.choices(("", "newsletter", "share", "search"), weights=(55, 15, 15, 15))[0]
        query = {"": "", "newsletter": f"?utm_source=newsletter&utm_medium=email&utm_campaign=issue-{n % 40}",
                 "share": f"?fbclid=IwAR{rng.getrandbits(64):016x}", "search": f"?ref=search-{n}"}[arrival]
        requests.append(("/" + query, {"User-Agent": f"{rng.choice(VISITOR_AGENTS)} visitor/{n}",
                                       "Accept-Language": rng.choice(("en-US,en;q=0.9", "es-US,es;q=0.8", "en"))}))
    return requests


@scenario("home")
def home_page(ctx: BenchContext) -> list[Row]:
    return [load_row("public home page (visitors)", ctx, visitor_requests(), HOME_RATIO)]


# --- action list ----------------------------------------------------------------------------------

def _login(base_url: str, email: str, check_path: str, marker: str) -> Browser:
    browser = Browser(base_url)
    browser.login(email, PASSWORD)
    page = browser.get(check_path)
    if marker not in page:
        raise RuntimeError(f"{check_path} as {email} does not show {marker!r}")
    return browser


@scenario("actions")
def member_actions(ctx: BenchContext) -> list[Row]:
    app = app_for(ctx.database_url)
    with app.app_context():
        members = logging_in_members()
        db.engine.dispose()
    if len(members) < MIN_SESSIONS and ctx.members >= 10_000:
        raise RuntimeError(f"only {len(members)} members log in; the data set should have {MIN_SESSIONS}")
    with ThreadPoolExecutor(4) as pool:   # one argon2 hash per login: the server's two workers share them
        browsers = list(pool.map(lambda member: _login(ctx.app_server.url, member[0], "/actions",
                                                       'class="action-list"'), members))
    rng = _rng(20)
    requests = [(path, browser.headers()) for browser in browsers for path in rng.sample(ACTION_PATHS, 3)]
    rng.shuffle(requests)   # one member after another, never the same member twice in a row
    row = load_row("member action list (/actions)", ctx, requests, ACTIONS_RATIO)
    several = sum(1 for _, signups in members if signups >= 2)
    one = sum(1 for _, signups in members if signups == 1)
    row.notes["members"] = (f"{len(members)} logged-in members, each their own session: {several} with sign-ups "
                            f"on several actions, {one} on one, {len(members) - several - one} on none")
    return [row]


# --- staff directory ------------------------------------------------------------------------------

def directory_mix(database_url: str, count: int = DIRECTORY_MIX) -> dict[str, str]:
    """Distinct query strings as staff type them: surnames and parts of them, parts of e-mail addresses,
    two-letter terms or no search, with none, one or two filters, every sort, and pages up to 40.
    Each query string maps to its kind of search."""
    rng = _rng(30)
    app = app_for(database_url)
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Member))
        ids = sorted(rng.sample(range(1, total + 1), min(count, total)))
        people = db.session.execute(select(Member.last_name, Member.email).where(Member.id.in_(ids))).all()
        db.session.rollback()
        db.engine.dispose()
    categories, states = list(CATEGORIES), list(US_STATES)
    filters = (
        lambda: [("category", c) for c in rng.sample(categories, rng.choice((1, 2)))],
        lambda: [("state", s) for s in rng.sample(states, rng.choice((1, 1, 2)))],
        lambda: [("status", rng.choice(("active", "lapsed")))],
        lambda: [("verification", rng.choice(("verified", "pending")))],
        lambda: [("confirmed", rng.choice(("yes", "no")))],
        lambda: [("email_updates", rng.choice(("yes", "no")))],
        lambda: [("zip", str(rng.randint(0, 99)).zfill(rng.choice((1, 2))))],
    )
    sorts = [sort for key in SORT_KEYS for sort in (key, "-" + key)]
    mix: dict[str, str] = {}
    while len(mix) < count:
        last, email = rng.choice(people)
        local = email.split("@")[0]
        kind = rng.choices(("surname", "part", "email", "two", "none"), weights=(30, 20, 20, 15, 15))[0]
        if kind == "surname":
            term = last
        elif kind == "part":
            size = rng.randint(3, max(3, min(6, len(last))))
            start = rng.randint(0, max(0, len(last) - size))
            term = last[start:start + size]
        elif kind == "email":
            size = rng.randint(min(4, len(local)), min(9, len(local)))
            start = rng.randint(0, len(local) - size)
            term = local[start:start + size]
        elif kind == "two":
            start = rng.randint(0, max(0, len(last) - 2))
            term = last[start:start + 2].lower()
        else:
            term = ""
        pairs = [("q", term)] if term else []
        for make in rng.sample(filters, rng.choices((0, 1, 2), weights=(20, 50, 30))[0] if term else
                               rng.choice((1, 2))):
            pairs += make()
        pairs.append(("sort", sorts[len(mix) % len(sorts)]))   # every sort, in turn
        page = rng.choices((1, rng.randint(2, 5), rng.randint(6, 40)), weights=(50, 25, 25))[0]
        if page > 1:
            pairs.append(("page", str(page)))
        if rng.random() < 0.2:
            pairs.append(("per_page", rng.choice(("25", "100"))))
        mix.setdefault(urlencode(pairs), SEARCH_KINDS[kind])
    return mix


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94] if len(values) > 1 else values[0]


def directory_in_process(database_url: str, mix: dict[str, str]) -> dict:
    """In the bench process, one request at a time: each query of the mix timed once, and SQL statements
    per request counted at two page sizes."""
    app = app_for(database_url)
    client = logged_in_client(app, STAFF_EMAIL, PASSWORD)
    client.get("/staff/members?per_page=10")  # the first request of a process compiles templates
    gc.freeze()   # what wsgi.py does for a served app: long-lived objects out of the collector's full passes
    counts: dict[str, dict[int, int]] = {}
    for query in COUNTED_QUERIES:
        counts[query] = {}
        for per_page in QUERY_COUNT_PAGE_SIZES:
            url = f"/staff/members?{query}&per_page={per_page}"
            with counting_queries(app) as statements:
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            counts[query][per_page] = len(statements)
    timings, by_kind = [], {}
    for query, kind in mix.items():
        started = time.perf_counter()
        response = client.get(f"/staff/members?{query}")
        timings.append((time.perf_counter() - started) * 1000)
        by_kind.setdefault(kind, []).append(timings[-1])
        if response.status_code != 200:
            raise RuntimeError(f"/staff/members?{query} answered {response.status_code}")
    with app.app_context():
        db.engine.dispose()
    return {"counts": counts, "p50_ms": statistics.median(timings), "p95_ms": _p95(timings), "max_ms": max(timings),
            "by_kind": ", ".join(f"{kind} ({len(found)}) p50 {statistics.median(found):.0f} / p95 {_p95(found):.0f}"
                                 for kind, found in sorted(by_kind.items()))}


@scenario("directory")
def staff_directory(ctx: BenchContext) -> list[Row]:
    mix = directory_mix(ctx.database_url)
    measured = directory_in_process(ctx.database_url, mix)
    staff = [_login(ctx.app_server.url, STAFF_EMAIL, "/staff/members", 'role="search"')
             for _ in range(DIRECTORY_CLIENTS)]
    baseline = ctx.hello_world()
    # One staff member alone: the latency of the mix, with no request waiting for another.
    alone = run_wrk_requests(ctx.app_server.url, [(f"/staff/members?{q}", staff[0].headers()) for q in mix],
                             ctx.duration, connections=1, threads=1)
    counts = measured["counts"]
    constant = all(len(set(found.values())) == 1 for found in counts.values())
    single = Row("staff directory, distinct-query mix, 1 client", alone.rps, alone.p50_ms, alone.p95_ms,
                 alone.p99_ms, alone.rps / baseline.rps, f"p95 <= {DIRECTORY_P95_MS:g} ms, queries constant")
    fast = single.check("p95 ms", alone.p95_ms, DIRECTORY_P95_MS, at_most=True)
    single.passed = fast and constant and alone.failed == 0 and alone.errors == 0
    single.notes.update({
        "mix": f"{len(mix)} distinct queries (surnames and parts, parts of e-mails, two-letter terms; none, one or "
               f"two filters; {len(SORT_KEYS) * 2} sorts; pages 1-40), e.g. {next(iter(mix))}",
        "requests": f"{alone.requests}, going through {alone.extra['distinct requests']} distinct ones",
        "in-process, one request at a time": f"p50 {measured['p50_ms']:.1f} ms, p95 {measured['p95_ms']:.1f} ms, "
                                             f"max {measured['max_ms']:.1f} ms (each query of the mix once)",
        "in-process by search, ms": measured["by_kind"],
        "hello-world just before": f"{baseline.rps:.1f} req/s (ratio: both directory rows)",
        "SQL queries per request": "; ".join(", ".join(f"{n} at {size} rows" for size, n in found.items())
                                             for found in counts.values())
                                   + (" (constant)" if constant else " (NOT constant)"),
    })
    _failures(single, alone)

    requests = [(f"/staff/members?{query}", staff[n % DIRECTORY_CLIENTS].headers()) for n, query in enumerate(mix)]
    shared = run_wrk_requests(ctx.app_server.url, requests, ctx.duration, connections=DIRECTORY_CLIENTS)
    busy = Row(f"staff directory, distinct-query mix, {DIRECTORY_CLIENTS} clients", shared.rps, shared.p50_ms,
               shared.p95_ms, shared.p99_ms, shared.rps / baseline.rps, "req/s reported; every answer 200")
    busy.passed = shared.failed == 0 and shared.errors == 0
    busy.notes.update({"requests": f"{shared.requests}, going through {shared.extra['distinct requests']} distinct "
                                   f"ones, {DIRECTORY_CLIENTS} staff sessions",
                       "members": ctx.members})
    _failures(busy, shared)
    return [single, busy]
