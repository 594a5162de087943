"""`partage simulate` end to end on a million contributions, four models side by side.

Writes a spec and its files in a temporary folder — contributions.csv (1,000,000 rows from
100,000 recipients: activity, hours, the activity's rate), scores.csv (10 weekly scores per
recipient) and paid.csv (what a tenth of them were already paid) — then runs the real
command in a subprocess with four models: rate_grid, proportional by hours, value_equation
(10 % to a fund, then 60 % and 30 % shared by the equity claims hours × rate) and
grain/balanced. The JSON it prints, with an explanation per recipient and model, is read
back and every amount compared with a straightforward per-row Python computation of the
same four models reading the same files in this process. Prints both times and their ratio.
Run: make bench.
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

ROWS, RECIPIENTS, ACTIVITIES, WEEKS = 1_000_000, 100_000, 20, 10
RATES = {f"activity-{i:02d}": f"{15 + i * 1.25:.2f}" for i in range(ACTIVITIES)}
BUDGET = "500000.00"
BUCKETS = [("10", "fund"), ("60", None), ("30", None)]


def write_inputs(folder: Path) -> Path:
    rng = random.Random(5)
    with (folder / "contributions.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["recipient", "activity", "kind", "hours", "rate"])
        for _ in range(ROWS):
            activity = f"activity-{rng.randrange(ACTIVITIES):02d}"
            out.writerow(
                [
                    f"member-{rng.randrange(RECIPIENTS):06d}",
                    activity,
                    "time",
                    f"{rng.randrange(25, 1000) / 100:.2f}",
                    RATES[activity],
                ]
            )
    with (folder / "scores.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["recipient", *(f"week {w + 1}" for w in range(WEEKS))])
        for i in range(RECIPIENTS):
            scores = [f"{rng.randrange(0, 5000) / 1000:.3f}" for _ in range(WEEKS)]
            out.writerow([f"member-{i:06d}", *scores])
    with (folder / "paid.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["recipient", "amount"])
        for i in range(0, RECIPIENTS, 10):
            out.writerow([f"member-{i:06d}", f"{rng.randrange(0, 10000) / 100:.2f}"])
    spec = {
        "currency": "EUR",
        "budget": BUDGET,
        "contributions": "contributions.csv",
        "scores": "scores.csv",
        "paid": "paid.csv",
        "models": [
            {"type": "rate_grid", "rates": RATES},
            {"type": "proportional", "by": "hours"},
            {
                "type": "value_equation",
                "buckets": [
                    {"percentage": p, "recipient": r} if r else {"percentage": p}
                    for p, r in BUCKETS
                ],
            },
            {"type": "grain", "policy": "balanced"},
        ],
    }
    path = folder / "spec.json"
    path.write_text(json.dumps(spec))
    return path


def cents(amounts: dict[str, int]) -> dict[str, str]:
    return {n: f"{a // 100}.{a % 100:02d}" for n, a in amounts.items()}


def split(total: int, weights: dict[str, Fraction]) -> dict[str, int]:
    names = sorted(weights)
    return dict(zip(names, allocate(total, [weights[n] for n in names]), strict=True))


def reference(folder: Path) -> list[dict[str, str]]:
    """The four models, row by row, on Fractions."""
    budget = int(Fraction(BUDGET) * 100)
    values: dict[str, Fraction] = defaultdict(Fraction)  # hours × the grid's rate, in cents
    claims: dict[str, Fraction] = defaultdict(Fraction)  # hours × the row's own rate
    hours: dict[str, Fraction] = defaultdict(Fraction)
    with (folder / "contributions.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            worked = Fraction(row["hours"])
            values[row["recipient"]] += worked * Fraction(RATES[row["activity"]]) * 100
            claims[row["recipient"]] += worked * Fraction(row["rate"]) * 100
            hours[row["recipient"]] += worked
    results = []
    total = sum(values.values())
    results.append(split(budget if total > budget else int(total), values))
    results.append(split(budget, hours))

    claimed = sum(claims.values())
    exact: dict[str, Fraction] = defaultdict(Fraction)
    for percentage, recipient in BUCKETS:
        amount = Fraction(percentage) * budget / 100
        if recipient is not None:
            exact[recipient] += amount
        else:
            for name, claim in claims.items():
                exact[name] += claim * amount / claimed
    results.append(split(budget, exact))

    score: dict[str, Fraction] = {}
    with (folder / "scores.csv").open(newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        for name, *weeks in rows:
            score[name] = sum((Fraction(w) for w in weeks), Fraction(0))
    paid: dict[str, int] = {}
    with (folder / "paid.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            paid[row["recipient"]] = int(Fraction(row["amount"]) * 100)
    scored = sum(score.values())
    pot = sum(paid.values()) + budget
    under = {n: max(Fraction(0), pot * s / scored - paid.get(n, 0)) for n, s in score.items()}
    results.append(split(budget, under))
    return [cents(r) for r in results]


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        spec = write_inputs(folder)
        start = time.perf_counter()
        done = subprocess.run(
            [str(Path(sys.executable).with_name("partage")), "simulate", str(spec)],
            capture_output=True,
            check=True,
        )
        took = time.perf_counter() - start
        start = time.perf_counter()
        expected = reference(folder)
        ref_took = time.perf_counter() - start
    results = json.loads(done.stdout)["results"]
    explained = 0
    for got, want in zip(results, expected, strict=True):
        paid = {k: v for k, v in got["allocations"].items() if k in want or v != "0.00"}
        assert paid == want, f"{got['model']} differs from the reference"
        assert got["explanations"].keys() == got["allocations"].keys()
        explained += len(got["explanations"])
    print(
        f"partage simulate, {ROWS:,} contributions / {RECIPIENTS:,} recipients × {WEEKS} weeks "
        f"of scores, 4 models ({', '.join(r['model'] for r in results)}): {took:.2f} s end to "
        f"end, {explained:,} explanations, {len(done.stdout) / 2**20:.0f} MiB of JSON | "
        f"per-row reference (amounts only) {ref_took:.2f} s | ratio {took / ref_took:.2f} "
        "(same amounts)"
    )


if __name__ == "__main__":
    main()
