"""Drive a URL with wrk for a bounded time and read throughput and latency percentiles."""
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"
_CORE_KEYS = {"requests", "duration_us", "p50", "p95", "p99", "failed", "errors"}


@dataclass
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failed: int
    errors: int
    extra: dict = field(default_factory=dict)   # whatever else the Lua script reported


def run_wrk(url: str, duration: int, connections: int = 8, threads: int = 2, headers: dict | None = None,
            script: str = "report.lua", script_env: dict | None = None) -> LoadResult:
    """Run wrk against ``url``; the Lua script prints a JSON summary at the end."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(LUA_DIR / script)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    with tempfile.NamedTemporaryFile("w", suffix=".json") as args_file:
        json.dump(script_env or {}, args_file)
        args_file.flush()
        env = {"WRK_ARGS": args_file.name, "WRK_LUA_DIR": str(LUA_DIR), "PATH": "/usr/bin:/bin"}
        output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, env=env,
                                check=True).stdout
    summary = json.loads(re.search(r"^BENCH (.*)$", output, re.M).group(1))
    seconds = summary["duration_us"] / 1e6
    return LoadResult(requests=summary["requests"], seconds=seconds, rps=summary["requests"] / seconds,
                      p50_ms=summary["p50"] / 1000, p95_ms=summary["p95"] / 1000, p99_ms=summary["p99"] / 1000,
                      failed=summary["failed"], errors=summary["errors"],
                      extra={key: value for key, value in summary.items() if key not in _CORE_KEYS})
