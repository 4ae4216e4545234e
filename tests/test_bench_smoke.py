"""The benchmark command runs end to end on a tiny data set (no timings are asserted: machines vary)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("home", "actions", "directory", "webhook", "signup", "export", "outbox", "delivery", "api-people",
             "api-signup")

# The suite's PostgreSQL pass would only repeat this SQLite run (the bench never uses the test database).
pytestmark = pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="run once, in the SQLite pass")


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    missing = [tool for tool in ("wrk", "sqlite3") if shutil.which(tool) is None]
    if missing:  # bin/setup installs them; a missing tool is a set-up fault, not a reason to skip
        pytest.fail(f"the benchmark needs {' and '.join(missing)}: apt-get install {' '.join(missing)}")
    out = tmp_path_factory.mktemp("bench")
    command = [sys.executable, "-m", "bench", "--members", "300", "--duration", "1",
               "--database-url", f"sqlite:///{out}/bench-300.db", "--out", str(out / "results.json")]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_ENV", "SECRET_KEY")}
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    # Exit 1 means a target was missed, which a tiny data set on a busy machine says nothing about.
    output = finished.stdout[-3000:] + finished.stderr[-3000:]
    assert finished.returncode in (0, 1) and (out / "results.json").exists(), output
    return json.loads((out / "results.json").read_text())


def test_the_bench_writes_a_row_for_every_scenario_and_the_baseline(results):
    keys = {row["key"] for row in results["results"]}
    assert keys == {"baseline", *SCENARIOS}
    assert results["meta"]["scenarios"] == list(SCENARIOS)
    assert results["meta"]["data_set"]["members"] >= 300


def test_every_throughput_row_carries_rates_latencies_and_a_verdict(results):
    for row in results["results"]:
        if row["key"] in ("home", "actions", "directory", "webhook"):
            assert row["rps"] > 0 and row["p95_ms"] > 0 and row["ratio"] > 0, row
            assert row["passed"] in (True, False) and row["target"], row


def test_each_webhook_event_was_recorded_exactly_once(results):
    (webhook,) = [row for row in results["results"] if row["key"] == "webhook"]
    assert webhook["notes"]["exactly_once"] is True, webhook["notes"]


def test_the_export_returned_every_member_and_measured_the_worker(results):
    wall, memory = [row for row in results["results"] if row["key"] == "export"]
    rows, expected = wall["notes"]["rows"].split(" of ")
    assert int(rows) == int(expected.split()[0]) > 0
    assert "MB" in memory["notes"]["growth"]



def test_the_bulk_mail_rows_wrote_and_delivered_every_recipient(results):
    (outbox,) = [row for row in results["results"] if row["key"] == "outbox"]
    (delivery,) = [row for row in results["results"] if row["key"] == "delivery"]
    assert outbox["ratio"] > 0 and outbox["notes"]["rows written"] == outbox["notes"]["recipients"] > 0
    assert delivery["rps"] > 0
    assert delivery["notes"]["messages"] == delivery["notes"]["received"] == delivery["notes"]["marked sent"] > 0


def test_the_api_walk_read_every_person_once_and_the_signups_made_no_duplicate(results):
    page, walk = [row for row in results["results"] if row["key"] == "api-people"]
    assert walk["notes"]["complete"] is True and page["ratio"] > 0 and walk["rps"] > 0
    (signup,) = [row for row in results["results"] if row["key"] == "api-signup"]
    assert signup["notes"]["exactly_right"] is True, signup["notes"]
    assert set(signup["notes"]["answers"]) <= {"200", "201"}, signup["notes"]
