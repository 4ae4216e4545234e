"""Member CSV export over HTTP: wall time against the database's own CSV writer, and worker memory.

Each export is the first request a fresh server's worker handles after start-up, so the
worker's peak memory (VmHWM) is the export's. The staff login happens in the bench process,
so the password hash's 19 MiB never counts against the worker.
"""
import csv
import http.client
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, select

from harness.browser import USER_AGENT
from harness.servers import GunicornServer
from leap_members.admin.exports import DEFAULT_COLUMNS
from leap_members.extensions import db
from leap_members.members.models import Member, MembershipStatus

from ..context import BenchContext, app_env
from ..data import PASSWORD, STAFF_EMAIL, ensure_data_set, is_sqlite, sized_url
from ..inproc import app_for, csrf_token, logged_in_client, session_cookie
from ..report import Row
from . import scenario

WALL_RATIO = 3.0
GROWTH_MB = 30.0
# The same columns and order as the app's default export, straight from the database.
BASELINE_SQL = ("SELECT first_name, last_name, email, category, city, state, zip_code, status, created_at "
                "FROM members WHERE status <> 'merged' ORDER BY last_name, first_name, id")


@dataclass
class ExportRun:
    members: int
    seconds: float
    bytes: int
    rows: int
    expected_rows: int
    status: int
    worker_mb_before: float
    worker_peak_mb: float


def count_lines(path: Path) -> int:
    with open(path, newline="", encoding="utf-8-sig") as file:
        return sum(1 for _ in csv.reader(file)) - 1   # less the header


def http_export(database_url: str, members: int, out_dir: Path, workers: int) -> ExportRun:
    """POST the staff export form to a fresh server and stream the CSV to a file."""
    app = app_for(database_url)
    client = logged_in_client(app, STAFF_EMAIL, PASSWORD)
    token = csrf_token(client, "/staff/export")
    cookie = session_cookie(client)
    with app.app_context():
        expected = db.session.scalar(select(func.count()).select_from(Member)
                                     .where(Member.status != MembershipStatus.MERGED))
        db.engine.dispose()
    body = urlencode([("csrf_token", token), *(("columns", key) for key in DEFAULT_COLUMNS)])
    target = out_dir / f"export-{members}.csv"
    with GunicornServer(app_env(database_url), workers=workers, request_timeout=300) as server:
        before = server.worker_stats()
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        started = time.perf_counter()
        connection.request("POST", "/staff/export", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "User-Agent": USER_AGENT,
            "Referer": server.url + "/staff/export"})
        response = connection.getresponse()
        size = 0
        with open(target, "wb") as file:
            while chunk := response.read(1 << 20):
                file.write(chunk)
                size += len(chunk)
        seconds = time.perf_counter() - started
        connection.close()
        after = server.worker_stats()
    served = max(after, key=lambda pid: after[pid]["cpu"] - before.get(pid, {"cpu": 0})["cpu"])
    rows = count_lines(target) if response.status == 200 else 0
    target.unlink(missing_ok=True)
    return ExportRun(members, seconds, size, rows, expected, response.status,
                     before.get(served, after[served])["hwm_mb"], after[served]["hwm_mb"])


def baseline_export(database_url: str, out_dir: Path) -> float:
    """Seconds for the database's command-line client to write the same columns as CSV."""
    target = out_dir / "baseline-export.csv"
    if is_sqlite(database_url):
        command = ["sqlite3", "-csv", database_url.split("sqlite:///", 1)[1], BASELINE_SQL]
    else:
        command = ["psql", database_url, "-X", "-q", "-v", "ON_ERROR_STOP=1",
                   "-c", f"COPY ({BASELINE_SQL}) TO STDOUT WITH (FORMAT csv)"]
    with open(target, "wb") as file:
        started = time.perf_counter()
        subprocess.run(command, stdout=file, check=True)
        seconds = time.perf_counter() - started
    target.unlink(missing_ok=True)
    return seconds


def _run_notes(run: ExportRun) -> dict:
    return {"rows": f"{run.rows} of {run.expected_rows} expected", "size": f"{run.bytes / 1e6:.1f} MB",
            "wall": f"{run.seconds:.2f} s", "worker peak memory": f"{run.worker_peak_mb:.1f} MB "
            f"(fresh worker {run.worker_mb_before:.1f} MB)"}


@scenario("export")
def member_export(ctx: BenchContext) -> list[Row]:
    workers = ctx.app_server.workers
    tool = "sqlite3 -csv" if ctx.is_sqlite else "psql COPY ... CSV"
    small_members = max(ctx.members // 10, 10)
    small_url = sized_url(ctx.database_url, small_members, ctx.members)
    print(ensure_data_set(small_url, small_members).describe())

    # Each side twice, alternating, and the faster of each: one stall of a shared machine should not
    # decide the ratio.
    baselines, exports = [], []
    for _ in range(2):
        baselines.append(baseline_export(ctx.database_url, ctx.out_dir))
        exports.append(http_export(ctx.database_url, ctx.members, ctx.out_dir, workers))
    big = min(exports, key=lambda run: run.seconds)
    baseline = min(baselines)
    ratio = big.seconds / baseline
    complete = all(run.status == 200 and run.rows == run.expected_rows for run in exports)
    wall = Row(f"member export, {ctx.members} members (wall)", big.rows / big.seconds, None, None, None, ratio,
               f"<= {WALL_RATIO:g} x {tool}")
    wall.passed = wall.check("ratio", ratio, WALL_RATIO, at_most=True) and complete
    wall.notes.update(_run_notes(big))
    wall.notes.update({"columns": ", ".join(DEFAULT_COLUMNS),
                       "HTTP exports": " and ".join(f"{run.seconds:.2f} s" for run in exports) + " (ratio: the faster)",
                       "baseline": f"{tool}: " + " and ".join(f"{b:.2f} s" for b in baselines) + " (the faster)",
                       "req/s column": "rows per second"})

    small = http_export(small_url, small_members, ctx.out_dir, workers)
    peak = max(run.worker_peak_mb for run in exports)
    growth = peak - small.worker_peak_mb
    memory = Row(f"export memory, {small_members} -> {ctx.members} members", None, None, None, None, None,
                 f"peak grows < {GROWTH_MB:g} MB", growth < GROWTH_MB and small.status == 200)
    memory.notes.update({"growth": f"{growth:+.1f} MB", f"peak at {small_members}": f"{small.worker_peak_mb:.1f} MB",
                         f"peak at {ctx.members}": f"{peak:.1f} MB (the higher of two exports)",
                         "measured": "VmHWM of the worker that served the export, a fresh server each"})
    rows = [wall, memory]
    if ctx.export_1m:
        million_url = sized_url(ctx.database_url, 1_000_000, ctx.members)
        print(ensure_data_set(million_url, 1_000_000).describe())
        huge = http_export(million_url, 1_000_000, ctx.out_dir, workers)
        growth_1m = huge.worker_peak_mb - small.worker_peak_mb
        million = Row("member export, 1000000 members", huge.rows / huge.seconds, None, None, None, None,
                      f"completes, peak grows < {GROWTH_MB:g} MB from {small_members}")
        million.passed = (million.check("growth MB", growth_1m, GROWTH_MB, at_most=True)
                          and huge.status == 200 and huge.rows == huge.expected_rows)
        million.notes.update(_run_notes(huge))
        million.notes["growth"] = f"{growth_1m:+.1f} MB from {small_members} members"
        rows.append(million)
    return rows
