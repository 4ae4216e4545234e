"""The results table and its JSON twin."""
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Row:
    scenario: str
    rps: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None
    notes: dict = field(default_factory=dict)


def _fmt(value, spec):
    return "—" if value is None else format(value, spec)


def print_table(rows: list[Row]) -> None:
    header = f"{'scenario':<34} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'ratio':>7}  {'target':<34} result"
    print(header)
    print("-" * len(header))
    for row in rows:
        verdict = "—" if row.passed is None else ("PASS" if row.passed else "FAIL")
        print(f"{row.scenario:<34} {_fmt(row.rps, '9.1f')} {_fmt(row.p50_ms, '8.1f')} {_fmt(row.p95_ms, '8.1f')} "
              f"{_fmt(row.p99_ms, '8.1f')} {_fmt(row.ratio, '7.3f')}  {row.target:<34} {verdict}")
        for key, value in row.notes.items():
            print(f"{'':<36}{key}: {value}")


def write_json(rows: list[Row], meta: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "results": [asdict(row) for row in rows]}, indent=2))
