"""Signup: the server's CPU per new member against the cost of one password hash."""
import multiprocessing
import secrets
import time

from argon2 import PasswordHasher, Type

from harness.browser import Browser

from ..context import BenchContext, app_env
from ..load import run_wrk
from ..report import Row
from . import scenario

SIGNUP_CPU_RATIO = 1.4


def _hash_cpu(samples: int) -> float:
    env = app_env("")
    hasher = PasswordHasher(memory_cost=int(env.get("ARGON2_MEMORY_KIB", "19456")),
                            time_cost=int(env.get("ARGON2_TIME_COST", "2")),
                            parallelism=int(env.get("ARGON2_PARALLELISM", "1")), type=Type.ID)
    hasher.hash("warm up the allocator")
    start = time.process_time()
    for i in range(samples):
        hasher.hash(f"benchmark password {i}")
    return (time.process_time() - start) / samples


def password_hash_cpu_seconds(processes: int, samples: int = 30) -> float:
    """CPU seconds for one hash at the configured parameters, hashed by as many
    processes at once as the server has workers (they share caches and memory
    bandwidth the same way the workers do during the signup load)."""
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        costs = pool.map(_hash_cpu, [samples] * processes)
    return sum(costs) / len(costs)


@scenario("signup")
def signup(ctx: BenchContext) -> list[Row]:
    browser = Browser(ctx.app_server.url)
    token = browser.csrf_token("/join")
    password = "a quiet signup passphrase " + secrets.token_hex(4)
    # The hash is timed just before and just after the load, and the two averaged: a machine
    # whose speed drifts during the run weighs on the baseline as it does on the signups.
    hash_before = password_hash_cpu_seconds(ctx.app_server.workers)
    cpu_before = ctx.app_server.cpu_seconds()
    result = run_wrk(ctx.app_server.url + "/join", ctx.duration, connections=4,
                     headers=browser.headers(), script="signup.lua",
                     script_env={"csrf": token, "password": password.replace(" ", "+"),
                                 "run": secrets.token_hex(3)})
    cpu = ctx.app_server.cpu_seconds() - cpu_before
    created = result.requests - result.failed
    per_signup = cpu / max(created, 1)
    hash_after = password_hash_cpu_seconds(ctx.app_server.workers)
    hash_cost = (hash_before + hash_after) / 2
    ratio = per_signup / hash_cost
    row = Row("signup (server CPU per signup)", result.rps, result.p50_ms, result.p95_ms, result.p99_ms, ratio,
              f"<= {SIGNUP_CPU_RATIO} x one password hash")
    row.passed = row.check("ratio", ratio, SIGNUP_CPU_RATIO, at_most=True) and created > 0
    row.notes.update({"signups": created, "failed": result.failed, "cpu ms per signup": round(per_signup * 1000, 2),
                      "cpu ms per hash": f"{hash_cost * 1000:.2f} (before the load {hash_before * 1000:.2f}, "
                                                   f"after {hash_after * 1000:.2f})"})
    return [row]
