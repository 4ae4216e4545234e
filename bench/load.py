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


def run_wrk_requests(base_url: str, requests: list[tuple[str, dict]], duration: int, connections: int = 8,
                     threads: int = 2) -> LoadResult:
    """Load many distinct GET requests, each a (path, headers) pair, in turn (requests.lua)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as lines:
        for path, headers in requests:
            if "\t" in path or any("\t" in f"{name}{value}" or "\n" in f"{name}{value}"
                                   for name, value in headers.items()):
                raise ValueError(f"a tab or new line in the request for {path!r}")
            lines.write("\t".join([path, *(f"{name}: {value}" for name, value in headers.items())]) + "\n")
        lines.flush()
        result = run_wrk(base_url + "/", duration, connections=connections, threads=threads,
                         script="requests.lua", script_env={"requests": lines.name, "threads": threads})
    result.extra["distinct requests"] = len(set((path, tuple(sorted(h.items()))) for path, h in requests))
    return result
