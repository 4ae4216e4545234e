"""python -m bench: build the data set, serve the app and hello-world under gunicorn, load both, report.

    python -m bench --members 100000                       # SQLite file in bench/out/
    python -m bench --members 100000 --database-url postgresql://postgres@127.0.0.1:5432/leap_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/leap_bench python -m bench --members 100000   # the same
    python -m bench --members 100000 --scenarios export --export-1m   # also export a 1M-member data set
"""
import argparse
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

from harness.servers import ROOT, GunicornServer

from .context import BenchContext, app_env
from .data import ForeignDatabase, ensure_data_set
from .report import Row, print_table, write_json
from .scenarios import SCENARIOS

OUT = ROOT / "bench" / "out"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000, help="members in the data set (10000, 100000, 1000000)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="the database to build the data set in and serve from (default: $DATABASE_URL, "
                             "else a SQLite file in bench/out/); never one holding the app's own data")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per scenario")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for both apps")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated, from: " + ", ".join(SCENARIOS))
    parser.add_argument("--out", type=Path, default=None, help="JSON results file")
    parser.add_argument("--export-1m", action="store_true",
                        help="also build (once, cached) a 1,000,000-member data set and export it over HTTP")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url or f"sqlite:///{OUT}/bench-{args.members}.db"
    names = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        print(f"unknown scenarios: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2

    try:
        data_set = ensure_data_set(database_url, args.members)
    except ForeignDatabase as refusal:
        print(refusal, file=sys.stderr)
        return 2
    print(data_set.describe())

    with GunicornServer(app_env(database_url), workers=args.workers, app="bench.hello:app") as hello, \
            GunicornServer(app_env(database_url), workers=args.workers, request_timeout=300) as app_server:
        ctx = BenchContext(app_server, hello, database_url, args.members, args.duration, OUT, args.export_1m)
        ctx.hello_world()
        scenario_rows = []
        for name in names:
            for row in SCENARIOS[name](ctx):
                row.key = name
                scenario_rows.append(row)
    rates = [result.rps for result in ctx.baselines]
    first = ctx.baselines[0]
    hello_row = Row("hello-world baseline", sum(rates) / len(rates), first.p50_ms, first.p95_ms, first.p99_ms, 1.0,
                    "framework ceiling")
    hello_row.key = "baseline"
    hello_row.notes["measured"] = (f"{len(rates)} times, before each load scenario: "
                                   + ", ".join(f"{rate:.0f}" for rate in rates) + " req/s (req/s column: mean)")
    rows = [hello_row, *scenario_rows]

    meta = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "members": args.members,
            "database": "postgresql" if database_url.startswith("postgres") else "sqlite",
            "duration_s": args.duration, "scenarios": names, "workers": args.workers, "machine": platform.platform(),
            "cpus": len(os.sched_getaffinity(0)), "cpu_model": cpu_model(), "python": platform.python_version(),
            "data_set": data_set.counts, "data_set_seconds": round(data_set.seconds, 1) if data_set.generated else None}
    print(f"\n{meta['database']}, {args.members} members, {args.workers} workers, {args.duration} s per scenario")
    print_table(rows)
    out = args.out or OUT / f"results-{meta['database']}-{args.members}.json"
    write_json(rows, meta, out)
    print(f"\nJSON: {out}")
    return 0 if all(row.passed is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
