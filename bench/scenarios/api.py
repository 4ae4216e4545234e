"""The API as sync tools use it: walking every person page by page, and the person signup helper
under 8 clients at once.

api-people: one client walks GET /api/v2/people?per_page=100 to the end by ``_links.next``. Each
page's time (request sent to body received, JSON not yet parsed) is set against the same page's SQL
run straight through the database driver after the walk: the statements the app sent about members
for that page (its COUNT and its keyset SELECT of every member column), recorded from the app itself
(each page requested again in this process) with the parameters the driver received, then run on a
raw DB-API cursor, every row fetched as tuples. The baseline has no key check, no ORM objects, no
e-mail status query, no JSON and no HTTP: those are what the ratio measures.

api-signup: 8 clients POST /api/v2/people: half the posts name new addresses, half existing
people's; every address is posted twice, by two clients at about the same moment (the second in
another case), so the helper must match instead of duplicating. The database is counted afterwards.
"""
import http.client
import json
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from queue import Empty, Queue
from urllib.parse import urlsplit

from sqlalchemy import create_engine, delete, event, select, text
from sqlalchemy.pool import NullPool

from leap_members.api.models import ApiKey
from leap_members.config import normalise_database_url
from leap_members.extensions import db
from leap_members.members.models import Member, MembershipStatus

from ..context import BenchContext, flask_command
from ..data import SEED
from ..inproc import app_for
from ..report import Row
from . import scenario

PAGE_RATIO = 3.0         # p95 of a page over the API <= 3 x the p95 of its SQL run directly
WALK_SECONDS = 60.0      # every person, one client
PER_PAGE = 100
SIGNUP_POSTS = 1000      # on a data set of at least 10,000 people; 200 on a smaller one
SIGNUP_CLIENTS = 8
KEY_NAME = "Bench API"
SIGNUP_PREFIX = "bench-api-"   # bench/data.py removes bench-%@example.org people before every run


def _p(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100)[percent - 1] if len(values) > 1 else values[0]


def _engine(database_url: str):
    return create_engine(normalise_database_url(database_url), poolclass=NullPool)


def make_key(ctx: BenchContext, scope: str) -> str:
    """A key from ``flask create-api-key``, as an operator makes one; earlier runs' keys are removed."""
    engine = _engine(ctx.database_url)
    with engine.begin() as connection:
        connection.execute(delete(ApiKey).where(ApiKey.name.like(KEY_NAME + "%")))
    engine.dispose()
    output = flask_command(ctx.database_url, "create-api-key", "--name", f"{KEY_NAME} {scope}", "--scope", scope)
    return output.strip().splitlines()[0]


def request(server_url: str, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, bytes, float]:
    """(status, body, seconds from sending to the whole body received) on a connection of its own."""
    host, port = urlsplit(server_url).hostname, urlsplit(server_url).port
    connection = http.client.HTTPConnection(host, port, timeout=120)
    headers = {"OSDI-API-Token": token, "Accept": "application/hal+json"}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    started = time.perf_counter()
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    content = response.read()
    seconds = time.perf_counter() - started
    connection.close()
    return response.status, content, seconds


# --- api-people -----------------------------------------------------------------------------------

@dataclass
class Walk:
    seconds: float = 0.0
    page_seconds: list[float] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)             # each page's path and query
    uuids: list[str] = field(default_factory=list)
    total_records: int = 0
    failures: list[str] = field(default_factory=list)


def walk_people(server_url: str, token: str) -> Walk:
    """Every page, following next. The hrefs name the public site; the path and query are requested here."""
    walk, path = Walk(), f"/api/v2/people?per_page={PER_PAGE}"
    started = time.perf_counter()
    while path:
        status, content, seconds = request(server_url, "GET", path, token)
        if status != 200:
            walk.failures.append(f"{path} -> {status}")
            break
        walk.page_seconds.append(seconds)
        walk.paths.append(path)
        body = json.loads(content)
        walk.total_records = body["total_records"]
        walk.uuids += [person["identifiers"][0].partition(":")[2] for person in body["_embedded"]["osdi:people"]]
        following = body["_links"].get("next", {}).get("href")
        path = None
        if following:
            parts = urlsplit(following)
            path = f"{parts.path}?{parts.query}"
    walk.seconds = time.perf_counter() - started
    return walk


def page_statements(database_url: str, token: str, paths: list[str]) -> list[list[tuple[str, object]]]:
    """The SQL each page's request sends about members (its COUNT and its SELECT), with the parameters
    as the driver received them: each page requested again in this process, the statements recorded."""
    app = app_for(database_url)
    client = app.test_client()
    pages = []
    with app.app_context():
        engine = db.engine
    for path in paths:
        sent: list[tuple[str, object]] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if "FROM members" in statement:
                sent.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.get(path, headers={"OSDI-API-Token": token})
        finally:
            event.remove(engine, "before_cursor_execute", record)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} in process")
        pages.append(sent)
    with app.app_context():
        db.engine.dispose()
    return pages


def side_by_side(server_url: str, token: str, database_url: str, paths: list[str],
                 pages: list[list[tuple[str, object]]]) -> tuple[list[float], list[float]]:
    """(API seconds, SQL seconds) per page: each page's statements on a raw DB-API cursor (every row
    fetched), then the same page over the API, one right after the other, so that whatever else the
    machine is doing weighs on both sides alike."""
    engine = _engine(database_url)
    raw = engine.raw_connection()
    cursor = raw.cursor()
    api, sql = [], []
    try:
        for path, statements in zip(paths, pages):
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            sql.append(time.perf_counter() - started)
            raw.rollback()   # each request is a transaction of its own in the app too
            status, _, seconds = request(server_url, "GET", path, token)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            api.append(seconds)
    finally:
        raw.close()
        engine.dispose()
    return api, sql


@scenario("api-people")
def api_people(ctx: BenchContext) -> list[Row]:
    token = make_key(ctx, "read")
    request(ctx.app_server.url, "GET", "/api/v2/people?per_page=1", token)   # each worker's first request
    request(ctx.app_server.url, "GET", "/api/v2/people?per_page=1", token)
    walk = walk_people(ctx.app_server.url, token)
    statements = page_statements(ctx.database_url, token, walk.paths)
    api, sql = side_by_side(ctx.app_server.url, token, ctx.database_url, walk.paths, statements)
    api_ms, sql_ms = [seconds * 1000 for seconds in api], [seconds * 1000 for seconds in sql]
    walk_ms = [seconds * 1000 for seconds in walk.page_seconds]
    ratio = _p(api_ms, 95) / _p(sql_ms, 95)
    per_page_ratios = [page / direct for page, direct in zip(api_ms, sql_ms)]
    complete = len(walk.uuids) == walk.total_records == len(set(walk.uuids)) and not walk.failures

    page = Row("API people pages beside their SQL", len(api_ms) / (sum(api) + sum(sql)), _p(api_ms, 50),
               _p(api_ms, 95), _p(api_ms, 99), ratio, f"p95 <= {PAGE_RATIO:g} x the pages' SQL")
    page.passed = page.check("ratio", ratio, PAGE_RATIO, at_most=True) and complete
    page.notes.update({
        "pages": f"{len(api_ms)} of {PER_PAGE} people, each requested right after its SQL ran directly",
        "SQL run directly, ms": f"p50 {_p(sql_ms, 50):.2f}, p95 {_p(sql_ms, 95):.2f}, p99 {_p(sql_ms, 99):.2f} "
                                "(the page's COUNT and SELECT as the app sent them, raw driver cursor, rows fetched)",
        "ratio": "p95 of the API's pages / p95 of the same pages' SQL",
        "per-page ratio (API / SQL)": f"p50 {_p(per_page_ratios, 50):.2f}, p95 {_p(per_page_ratios, 95):.2f}",
        "statements per page in the baseline": sorted({len(found) for found in statements}),
    })
    whole = Row("API people walk, every page, 1 client", len(walk_ms) / walk.seconds, _p(walk_ms, 50),
                _p(walk_ms, 95), _p(walk_ms, 99), None, f"all people in < {WALK_SECONDS:g} s")
    whole.passed = whole.check("seconds", walk.seconds, WALK_SECONDS, at_most=True) and complete
    whole.notes.update({"seconds": round(walk.seconds, 1), "req/s column": "pages per second",
                        "people": f"{len(walk.uuids)} read, {len(set(walk.uuids))} distinct, "
                                  f"total_records {walk.total_records}",
                        "complete": complete})
    if walk.failures:
        whole.notes["failures"] = walk.failures[:3]
    return [page, whole]


# --- api-signup -----------------------------------------------------------------------------------

def signup_posts(database_url: str, count: int, run: str) -> tuple[list[dict], int]:
    """``count`` signup bodies, each address twice in a row (the second in capitals); half of the
    addresses new, half existing people's. Returns the bodies and how many addresses are new."""
    rng = random.Random(SEED + 40)  # nosec B311: benchmark data
    distinct = count // 2
    engine = _engine(database_url)
    with engine.connect() as connection:
        existing = connection.execute(select(Member.email, Member.first_name, Member.last_name)
                                      .where(Member.status != MembershipStatus.MERGED, Member.email.not_like("bench%"))
                                      .order_by(Member.id).limit(distinct * 20)).all()
    engine.dispose()
    people = [(email, first, last) for email, first, last in rng.sample(existing, distinct // 2)]
    new = distinct - len(people)
    people += [(f"{SIGNUP_PREFIX}{run}-{n}@example.org", "Api", f"Signup{n}") for n in range(new)]
    rng.shuffle(people)
    bodies = []
    for email, first, last in people:
        for address in (email, email.upper()):
            bodies.append({"person": {"given_name": first, "family_name": last,
                                      "email_addresses": [{"address": address}]}})
    return bodies, new


def people_count(database_url: str) -> tuple[int, int]:
    """(people, distinct addresses), counted in the database."""
    engine = _engine(database_url)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT count(*), count(DISTINCT lower(email)) FROM members")).one()
    engine.dispose()
    return found[0], found[1]


def post_all(server_url: str, token: str, bodies: list[dict]) -> tuple[list[int], list[float], float]:
    """Post every body from SIGNUP_CLIENTS threads taking the next body in turn: the two posts of an
    address leave one after the other, so two clients send them at about the same time."""
    queue: Queue = Queue()
    for body in bodies:
        queue.put(body)
    statuses: list[int] = []
    seconds: list[float] = []
    lock = threading.Lock()

    def client():
        while True:
            try:
                body = queue.get_nowait()
            except Empty:
                return
            try:
                status, _, took = request(server_url, "POST", "/api/v2/people", token, body)
            except OSError:
                status, took = 0, 0.0
            with lock:
                statuses.append(status)
                seconds.append(took)

    threads = [threading.Thread(target=client) for _ in range(SIGNUP_CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return statuses, seconds, time.perf_counter() - started


@scenario("api-signup")
def api_signup(ctx: BenchContext) -> list[Row]:
    token = make_key(ctx, "write")
    count = SIGNUP_POSTS if ctx.members >= 10_000 else 200
    bodies, new = signup_posts(ctx.database_url, count, f"{int(time.time())}")
    before, _ = people_count(ctx.database_url)
    statuses, seconds, wall = post_all(ctx.app_server.url, token, bodies)
    after, distinct = people_count(ctx.database_url)
    answered = {status: statuses.count(status) for status in sorted(set(statuses))}
    exact = after == before + new and distinct == after
    ms = [took * 1000 for took in seconds]
    row = Row(f"API person signup helper, {SIGNUP_CLIENTS} clients", len(statuses) / wall, _p(ms, 50), _p(ms, 95),
              _p(ms, 99), None, "exact people count, no duplicates, no 5xx")
    row.passed = exact and set(answered) <= {200, 201}
    row.notes.update({"posts": f"{len(statuses)}: {count // 2} addresses, each posted twice at once (the second "
                               f"in capitals); {new} new, {count // 2 - new} existing people's",
                      "seconds": round(wall, 1), "answers": answered,
                      "people": f"{before} before, {after} after (expected {before + new}); "
                                f"{distinct} distinct addresses",
                      "exactly_right": exact})
    return [row]
