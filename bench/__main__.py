"""python -m bench: build the data set, serve the app and hello-world under gunicorn, load both, report.

    python -m bench --members 100000                       # SQLite file in bench/out/
    python -m bench --members 100000 --database-url postgresql://postgres@127.0.0.1:5432/bench
"""
import argparse
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

from .context import BenchContext, app_env, flask_command
from .data import ensure_data_set
from .load import run_wrk
from .report import Row, print_table, write_json
from .scenarios import SCENARIOS
from .servers import ROOT, Server

OUT = ROOT / "bench" / "out"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000, help="members in the data set (10000, 100000, 1000000)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; default: a SQLite file in bench/out/")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per scenario")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for both apps")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated, from: " + ", ".join(SCENARIOS))
    parser.add_argument("--out", type=Path, default=None, help="JSON results file")
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

    flask_command(database_url, "db", "upgrade")
    print(ensure_data_set(database_url, args.members))

    with Server("bench.hello:app", app_env(database_url), workers=args.workers) as hello:
        baseline = run_wrk(hello.url + "/", args.duration)
    rows = [Row("hello-world baseline", baseline.rps, baseline.p50_ms, baseline.p95_ms, baseline.p99_ms, 1.0,
                "framework ceiling")]
    with Server("wsgi:app", app_env(database_url), workers=args.workers) as app_server:
        ctx = BenchContext(app_server, baseline, database_url, args.members, args.duration, OUT)
        for name in names:
            rows.extend(SCENARIOS[name](ctx))

    meta = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "members": args.members,
            "database": "postgresql" if database_url.startswith("postgres") else "sqlite",
            "duration_s": args.duration, "workers": args.workers, "machine": platform.platform(),
            "cpus": len(__import__("os").sched_getaffinity(0)), "python": platform.python_version()}
    print(f"\n{meta['database']}, {args.members} members, {args.workers} workers, {args.duration} s per scenario")
    print_table(rows)
    out = args.out or OUT / f"results-{meta['database']}-{args.members}.json"
    write_json(rows, meta, out)
    print(f"\nJSON: {out}")
    return 0 if all(row.passed is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
