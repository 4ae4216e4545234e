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
    key: str = ""   # the scenario (command-line name) the row belongs to

    def check(self, measure: str, value: float, limit: float, at_most: bool = False) -> bool:
        """Whether ``value`` meets ``limit`` (a floor, or with ``at_most`` a ceiling); when it does not,
        the row's "missed by" note says by how much."""
        met = value <= limit if at_most else value >= limit
        if not met:
            miss = (f"{measure} {value:.3g}, {(value - limit) / limit:.0%} over the limit of {limit:g}" if at_most
                    else f"{measure} {value:.3g}, {(limit - value) / limit:.0%} short of {limit:g}")
            self.notes["missed by"] = "; ".join(filter(None, (self.notes.get("missed by"), miss)))
        return met


def _fmt(value, width: int, decimals: int) -> str:
    return f"{'—':>{width}}" if value is None else f"{value:{width}.{decimals}f}"


def print_table(rows: list[Row]) -> None:
    name_width = max(34, *(len(row.scenario) for row in rows))
    target_width = max(30, *(len(row.target) for row in rows))
    header = (f"{'scenario':<{name_width}} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'ratio':>7}  "
              f"{'target':<{target_width}} result")
    print(header)
    print("-" * len(header))
    for row in rows:
        verdict = "—" if row.passed is None else ("PASS" if row.passed else "FAIL")
        print(f"{row.scenario:<{name_width}} {_fmt(row.rps, 9, 1)} {_fmt(row.p50_ms, 8, 1)} {_fmt(row.p95_ms, 8, 1)} "
              f"{_fmt(row.p99_ms, 8, 1)} {_fmt(row.ratio, 7, 3)}  {row.target:<{target_width}} {verdict}")
        for key, value in row.notes.items():
            print(f"{'':<4}{key}: {value}")


def write_json(rows: list[Row], meta: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "results": [asdict(row) for row in rows]}, indent=2))
