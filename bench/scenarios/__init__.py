"""The scenarios and their targets. Targets are the product's goals: never loosen one to pass.

Each scenario takes the BenchContext and returns rows for the results table. Importing the
modules below registers them, in the order a run takes them.
"""
from ..context import BenchContext
from ..load import run_wrk
from ..report import Row

SCENARIOS = {}


def scenario(name):
    def register(function):
        SCENARIOS[name] = function
        return function
    return register


def throughput_row(name: str, ctx: BenchContext, path: str, minimum_ratio: float, headers=None) -> Row:
    """Load one GET URL and compare its requests/s with hello-world measured just before."""
    baseline = ctx.hello_world()
    result = run_wrk(ctx.app_server.url + path, ctx.duration, headers=headers)
    ratio = result.rps / baseline.rps
    row = Row(name, result.rps, result.p50_ms, result.p95_ms, result.p99_ms, ratio, f">= {minimum_ratio} x hello-world")
    row.passed = row.check("ratio", ratio, minimum_ratio) and result.failed == 0 and result.errors == 0
    row.notes["requests"] = result.requests
    row.notes["hello-world just before"] = f"{baseline.rps:.1f} req/s"
    if result.failed or result.errors:
        row.notes["failed responses"] = result.failed
        row.notes["socket errors"] = result.errors
    return row


from . import pages, webhook, signup, export  # noqa: E402,F401  (registers the scenarios, in this order)
