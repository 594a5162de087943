"""`partage cred compute` against SourceCred 0.11.2's `credrank` on the same generated instances.

For each size asked (default S1 S2; S2b, S3 and S4 take SourceCred minutes), generates a
SourceCred instance with ``../shared/bench/make_sourcecred_instance.py`` (P participants,
W weeks, N contributions), runs the whole partage command — instance files in, JSON written —
and SourceCred's ``credrank`` on a copy of the same folder, each in its own process, and
prints wall time, peak memory, their ratios and the largest relative difference between
the two weekly cred of every participant (which must stay under 1e-9).

SourceCred is installed once in ``~/.cache/partage-bench/sourcecred`` (npm, offline-safe
with the ``ethereumjs-abi`` override of the research notes); without it, only partage runs.
``--runs N`` runs both N times, alternately (SourceCred on a fresh copy each time: a failed
run can empty its files), and prints every run, then the medians; ``--partage-only`` skips
SourceCred (at S3 and beyond it fails anyway, after minutes).
Run: .venv/bin/python bench/cred.py [--runs N] [--partage-only] [S1 S2 S2b S3 S4 ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

SIZES = {  # participants, weeks, contributions
    "S1": (100, 52, 10_000),
    "S2": (1_000, 104, 100_000),
    "S2b": (2_000, 130, 250_000),
    "S3": (5_000, 156, 500_000),
    "S4": (10_000, 208, 500_000),
    "S5": (10_000, 208, 5_000_000),
}
ROOT = Path(__file__).resolve().parents[1]
GENERATOR = Path(
    os.environ.get(
        "PARTAGE_SC_GENERATOR", ROOT.parent / "shared" / "bench" / "make_sourcecred_instance.py"
    )
)
SOURCECRED = Path.home() / ".cache" / "partage-bench" / "sourcecred"
PACKAGE = {
    "name": "sourcecred-bench",
    "private": True,
    "dependencies": {"sourcecred": "0.11.2"},
    "overrides": {"ethereumjs-abi": "0.6.8"},
}


def sourcecred() -> Path | None:
    """SourceCred's command, installed on first use; None when it cannot be."""
    command = SOURCECRED / "node_modules" / ".bin" / "sourcecred"
    if command.exists():
        return command
    if shutil.which("npm") is None:
        return None
    SOURCECRED.mkdir(parents=True, exist_ok=True)
    (SOURCECRED / "package.json").write_text(json.dumps(PACKAGE))
    print("installing sourcecred@0.11.2 (once) …", flush=True)
    npm = shutil.which("npm") or "npm"
    done = subprocess.run(
        [npm, "install", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=SOURCECRED,
        capture_output=True,
        check=False,
    )
    return command if done.returncode == 0 and command.exists() else None


def measured(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, float, int]:
    """Wall seconds, peak memory (GiB) and exit code of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and process.stderr is not None:
        sys.stderr.write(process.stderr.read().decode(errors="replace")[-2000:])
    return took, usage.ru_maxrss / 2**20, code


def sourcecred_weeks(folder: Path) -> dict[str, list[float]]:
    raw = (folder / "output" / "credGrainView").read_bytes()
    view = json.loads(raw if raw[:1] in (b"{", b"[") else zlib.decompress(raw))
    return {p["identity"]["name"]: p["credPerInterval"] for p in view["participants"]}


def largest_difference(
    ours: dict[str, dict[str, list[float]]], theirs: dict[str, list[float]]
) -> float:
    worst = 0.0
    for name, weeks in theirs.items():
        mine = np.array(ours[name]["per_interval"])
        expected = np.array(weeks)
        shown = expected != 0
        if mine.shape != expected.shape:
            return float("inf")
        if shown.any():
            worst = max(
                worst, float(np.max(np.abs(mine - expected)[shown] / np.abs(expected[shown])))
            )
    return worst


def run(size: str, command: Path | None, runs: int) -> None:
    people, weeks, contributions = SIZES[size]
    label = f"{size:4} {people:>6,} / {weeks:>3} / {contributions:>9,}:"
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name) / "instance"
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                str(folder),
                "--participants",
                str(people),
                "--weeks",
                str(weeks),
                "--contributions",
                str(contributions),
                "--seed",
                "1",
            ],
            check=True,
            capture_output=True,
        )
        out = Path(name) / "partage.json"
        partage = [str(Path(sys.executable).with_name("partage")), "cred", "compute", str(folder)]
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        worst = 0.0
        for attempt in range(1, runs + 1):
            ours_time, ours_memory, code = measured([*partage, "--out", str(out)], ROOT)
            line = f"{label} run {attempt}: partage {ours_time:6.1f} s {ours_memory:5.2f} GiB"
            if code != 0:
                print(f"{line} — failed (exit {code})", flush=True)
                return
            ours.append((ours_time, ours_memory))
            if command is None:
                print(line, flush=True)
                continue
            theirs_folder = Path(name) / f"sourcecred-{attempt}"
            shutil.copytree(folder, theirs_folder)
            env = {**os.environ, "NODE_OPTIONS": "--max_old_space_size=16000"}
            sc_time, sc_memory, sc_code = measured([str(command), "credrank"], theirs_folder, env)
            if sc_code != 0:
                print(
                    f"{line} | SourceCred {sc_time:6.1f} s {sc_memory:5.2f} GiB, "
                    f"failed (exit {sc_code})",
                    flush=True,
                )
                shutil.rmtree(theirs_folder)
                continue
            difference = largest_difference(
                json.loads(out.read_text())["participants"], sourcecred_weeks(theirs_folder)
            )
            worst = max(worst, difference)
            theirs.append((sc_time, sc_memory))
            shutil.rmtree(theirs_folder)
            print(
                f"{line} | SourceCred {sc_time:6.1f} s {sc_memory:5.2f} GiB | "
                f"{sc_time / ours_time:.1f}× faster | largest relative difference "
                f"{difference:.1e}",
                flush=True,
            )
        if runs > 1 or theirs:
            summary = (
                f"{label} median of {len(ours)}: partage "
                f"{statistics.median(t for t, _ in ours):.2f} s, "
                f"{max(m for _, m in ours):.2f} GiB"
            )
            if theirs:
                sc_median = statistics.median(t for t, _ in theirs)
                ratio = sc_median / statistics.median(t for t, _ in ours)
                summary += (
                    f" | SourceCred (median of {len(theirs)}) {sc_median:.1f} s, "
                    f"{max(m for _, m in theirs):.2f} GiB | {ratio:.1f}× faster, memory ratio "
                    f"{max(m for _, m in ours) / max(m for _, m in theirs):.2f} | "
                    f"largest relative difference {worst:.1e}"
                )
            print(summary, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["S1", "S2"], choices=list(SIZES))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--partage-only", action="store_true")
    args = parser.parse_args()
    if not GENERATOR.is_file():
        sys.exit(f"no generator at {GENERATOR} (set PARTAGE_SC_GENERATOR)")
    command = None if args.partage_only else sourcecred()
    for size in args.sizes:
        run(size, command, max(1, args.runs))


if __name__ == "__main__":
    main()
