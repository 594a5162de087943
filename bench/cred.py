"""`partage cred compute` against SourceCred 0.11.2's `credrank` on the same generated instances.

For each size asked (default S1 S2; S2b, S3 and S4 take SourceCred minutes), generates a
SourceCred instance with ``../shared/bench/make_sourcecred_instance.py`` (P participants,
W weeks, N contributions), runs the whole partage command — instance files in, JSON written —
and SourceCred's ``credrank`` on a copy of the same folder, each in its own process, and
prints wall time, peak memory, their ratios and the largest relative difference between
the two weekly cred of every participant (which must stay under 1e-9).

SourceCred is installed once in ``~/.cache/partage-bench/sourcecred`` (npm, offline-safe
with the ``ethereumjs-abi`` override of the research notes); without it, only partage runs.
Run: .venv/bin/python bench/cred.py [S1 S2 S2b S3 S4 ...]
"""

from __future__ import annotations

import json
import os
import shutil
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


def run(size: str, command: Path | None) -> None:
    people, weeks, contributions = SIZES[size]
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
        ours_time, ours_memory, code = measured([*partage, "--out", str(out)], ROOT)
        line = (
            f"{size:4} {people:>6,} / {weeks:>3} / {contributions:>9,}: "
            f"partage {ours_time:6.1f} s {ours_memory:5.2f} GiB"
        )
        if code != 0:
            print(f"{line} — failed (exit {code})")
            return
        if command is None:
            print(f"{line} | SourceCred not installed")
            return
        theirs = Path(name) / "sourcecred"
        shutil.copytree(folder, theirs)
        env = {**os.environ, "NODE_OPTIONS": "--max_old_space_size=16000"}
        sc_time, sc_memory, sc_code = measured([str(command), "credrank"], theirs, env)
        if sc_code != 0:
            print(
                f"{line} | SourceCred {sc_time:6.1f} s {sc_memory:5.2f} GiB, "
                f"failed (exit {sc_code})"
            )
            return
        worst = largest_difference(
            json.loads(out.read_text())["participants"], sourcecred_weeks(theirs)
        )
        print(
            f"{line} | SourceCred {sc_time:6.1f} s {sc_memory:5.2f} GiB | time ratio "
            f"{ours_time / sc_time:.3f} ({sc_time / ours_time:.1f}× faster), memory ratio "
            f"{ours_memory / sc_memory:.2f} | largest relative difference {worst:.1e}"
        )


def main() -> None:
    sizes = sys.argv[1:] or ["S1", "S2"]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        sys.exit(f"unknown size {unknown[0]}; choose among {', '.join(SIZES)}")
    if not GENERATOR.is_file():
        sys.exit(f"no generator at {GENERATOR} (set PARTAGE_SC_GENERATOR)")
    command = sourcecred()
    for size in sizes:
        run(size, command)


if __name__ == "__main__":
    main()
