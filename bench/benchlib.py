"""Shared helpers of the benchmark suite: where things are, the real texts it runs on, timing, and running a
measurement in a fresh subprocess (so its peak memory is its own).

Data (all real, see bench/data/README.md):
  - kamerstukken/data/corpus/motions.jsonl.gz  1,268 real motions with text (bundled with the package)
  - kamerstukken/data/corpus/letters.jsonl.gz  224 real government letters known by subject line
  - bench/data/kst/*.xml                       164 real motion XMLs + 1 complete real letter (kst-28844-269)
  - bench/data/seeds/                          seed letters 000 (text), 001/004 (PDF text), 003 (markdown)
  - bench/data/letter_excerpts.jsonl           beginnings of 80 real government letters
  - optional: the full moties.jsonl (6,388 motions) given with --moties PATH or $KAMERSTUKKEN_BENCH_MOTIES
"""
from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"
PKG_DATA = ROOT / "kamerstukken" / "data"
BUNDLED_MOTIONS = PKG_DATA / "corpus" / "motions.jsonl.gz"
BUNDLED_LETTERS = PKG_DATA / "corpus" / "letters.jsonl.gz"
BUNDLED_DOCUMENTS = PKG_DATA / "documents"
# the read-only project data (corpus, gold, tools): $KAMERSTUKKEN_SHARED, else a `shared` folder next to the project
SHARED = Path(os.environ.get("KAMERSTUKKEN_SHARED") or ROOT.parent / "shared")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --------------------------------------------------------------------------- measuring

def maxrss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def best_of(fn: Callable[[], Any], *, repeat: int = 3, min_total: float = 0.0) -> float:
    """Smallest wall time of `repeat` runs (more runs while the total stays under `min_total` seconds)."""
    times = []
    total = 0.0
    while len(times) < repeat or (total < min_total and len(times) < 50):
        dt, _ = timed(fn)
        times.append(dt)
        total += dt
    return min(times)


def percentiles(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    if not s:
        return {}

    def q(p: float) -> float:
        return s[min(len(s) - 1, int(round(p * (len(s) - 1))))]
    return {"p50_ms": round(q(0.5) * 1000, 3), "p95_ms": round(q(0.95) * 1000, 3),
            "max_ms": round(s[-1] * 1000, 3), "n": len(s)}


def run_worker(task: str, args: dict, timeout: float = 900) -> dict:
    """Run `bench/worker.py TASK ARGS` in a fresh interpreter; its last stdout line is the JSON result.

    The result always carries `maxrss_mb` (peak RSS of the whole worker) and `baseline_mb` (peak RSS after
    imports, before the measured work), so `maxrss_mb - baseline_mb` is what the work itself added.
    """
    cmd = [sys.executable, str(BENCH / "worker.py"), task, json.dumps(args)]
    env = dict(os.environ, PYTHONHASHSEED="0")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=str(ROOT))
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        tail = (p.stderr or p.stdout).strip().splitlines()[-6:]
        return {"error": f"worker {task} failed (exit {p.returncode}): " + " | ".join(tail)}
    return json.loads(lines[-1])


# --------------------------------------------------------------------------- real texts

def read_jsonl(path: Path) -> Iterable[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def default_moties() -> Optional[Path]:
    p = os.environ.get("KAMERSTUKKEN_BENCH_MOTIES")
    return Path(p) if p and Path(p).exists() else None


def corpus_records(name: str, moties: Optional[str] = None) -> list[dict]:
    """Records {id, kind, date, title, text} of a named real corpus.

    motions: the bundled 1,268 motions; letters: real letter texts (80 excerpts, seeds 000/001/003/004);
    moties_full: the 6,388 motions of moties.jsonl (path given).
    """
    if name == "motions":
        return [{"id": r["id"], "kind": "motion", "date": r.get("date"), "title": r.get("title") or "",
                 "text": r["text"]} for r in read_jsonl(BUNDLED_MOTIONS) if r.get("text")]
    if name == "letters":
        out = []
        for i, r in enumerate(read_jsonl(DATA / "letter_excerpts.jsonl")):
            out.append({"id": r.get("kst_id") or f"excerpt-{i}", "kind": "letter", "date": r.get("date"),
                        "title": r.get("title") or "", "text": r["text"]})
        for f in sorted((DATA / "seeds").glob("*.txt")):
            out.append({"id": f"seed-{f.name[:3]}", "kind": "letter", "date": None, "title": "",
                        "text": f.read_text(encoding="utf-8")})
        return out
    if name == "moties_full":
        if not moties:
            return []
        return [{"id": r.get("kst_id") or r.get("document_nummer"), "kind": "motion", "date": r.get("datum"),
                 "title": r.get("onderwerp") or "", "text": r.get("tekst") or ""}
                for r in read_jsonl(Path(moties)) if r.get("tekst")]
    raise ValueError(f"unknown corpus {name!r}")
