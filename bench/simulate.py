"""`partage simulate` end to end on a spec whose contributions are a CSV of a million rows.

Writes the spec and its CSV (1,000,000 contributions, 100,000 recipients) in a temporary
folder, runs the real command in a subprocess, and compares its time with a straightforward
per-row Python computation of the same two models (rate grid and proportional by hours)
reading the same CSV in this process — which must give the same amounts. Run: make bench.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from partage.core.allocation import allocate

ROWS, RECIPIENTS, ACTIVITIES = 1_000_000, 100_000, 20
RATES = {f"activity-{i:02d}": f"{15 + i * 1.25:.2f}" for i in range(ACTIVITIES)}
BUDGET = "500000.00"


def write_inputs(folder: Path) -> Path:
    rng = random.Random(5)
    with (folder / "contributions.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["recipient", "activity", "kind", "hours"])
        for _ in range(ROWS):
            out.writerow(
                [
                    f"member-{rng.randrange(RECIPIENTS):06d}",
                    f"activity-{rng.randrange(ACTIVITIES):02d}",
                    "time",
                    f"{rng.randrange(25, 1000) / 100:.2f}",
                ]
            )
    spec = {
        "currency": "EUR",
        "budget": BUDGET,
        "contributions": "contributions.csv",
        "models": [{"type": "rate_grid", "rates": RATES}, {"type": "proportional", "by": "hours"}],
    }
    path = folder / "spec.json"
    path.write_text(json.dumps(spec))
    return path


def reference(csv_path: Path) -> list[dict[str, str]]:
    budget = int(Fraction(BUDGET) * 100)
    values: dict[str, Fraction] = defaultdict(Fraction)
    hours: dict[str, Fraction] = defaultdict(Fraction)
    with csv_path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            worked = Fraction(row["hours"])
            values[row["recipient"]] += worked * Fraction(RATES[row["activity"]]) * 100
            hours[row["recipient"]] += worked
    results = []
    for weights, capped in ((values, True), (hours, False)):
        names = sorted(weights)
        total = sum(weights.values())
        cap = budget if not capped or total > budget else int(total)
        shares = allocate(cap, [weights[n] for n in names])
        results.append({n: f"{a // 100}.{a % 100:02d}" for n, a in zip(names, shares, strict=True)})
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        spec = write_inputs(Path(folder))
        start = time.perf_counter()
        done = subprocess.run(
            [str(Path(sys.executable).with_name("partage")), "simulate", str(spec)],
            capture_output=True,
            check=True,
        )
        took = time.perf_counter() - start
        start = time.perf_counter()
        expected = reference(Path(folder) / "contributions.csv")
        ref_took = time.perf_counter() - start
    results = json.loads(done.stdout)["results"]
    for got, want in zip(results, expected, strict=True):
        paid = {k: v for k, v in got["allocations"].items() if k in want or v != "0.00"}
        assert paid == want, f"{got['model']} differs from the reference"
    print(
        f"partage simulate, {ROWS:,} contributions / {RECIPIENTS:,} recipients, 2 models: "
        f"{took:.2f} s end to end ({len(done.stdout) / 2**20:.0f} MiB of JSON) | per-row "
        f"reference {ref_took:.2f} s | ratio {took / ref_took:.2f} (same amounts)"
    )


if __name__ == "__main__":
    main()
