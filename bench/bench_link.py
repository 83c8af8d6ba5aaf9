"""Time the linker on all real motions and letters of the corpus, and on 2x/4x/8x copies.

Documents: every motion of moties.jsonl (kind motion, title = onderwerp, text = tekst, date = datum) and every
letter of brieven_regering_metadata.jsonl (kind letter, title = onderwerp, empty text). For scale k, the corpus
is replicated k times under new ids ("<id>~<copy>"); by default each copy is dated `--shift-years` earlier (7:
longer than the linker's 6-year window), which is what a store holding more parliamentary years looks like.
`--shift-years 0` replicates with the same dates (every letter then has k look-alike candidates per motion:
inherently quadratic, and reported as such).

Times `link_store(store, incremental=False)` (motion rows from documents + candidate index + scoring + writes),
then an incremental re-run with nothing new (must write nothing). Prints a table and writes JSON.

usage: python bench/bench_link.py [--scales 1,2,4,8] [--shift-years 7] [--out bench/results/link.json]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path

from benchlib import ROOT, SHARED, read_jsonl  # noqa: E402  (puts the project on sys.path)
from kamerstukken.link import link_store  # noqa: E402
from kamerstukken.models import content_hash  # noqa: E402
from kamerstukken.store import Store, now_iso  # noqa: E402

MOTIONS = SHARED / "corpus/tk_moties_2023_2025/moties.jsonl"
LETTERS = SHARED / "corpus/tk_brieven_regering_2024_2025/brieven_regering_metadata.jsonl"


def load(path: Path) -> list[dict]:
    return list(read_jsonl(path))


def base_docs() -> list[dict]:
    out = []
    for m in load(MOTIONS):
        if m.get("kst_id"):
            out.append({"id": m["kst_id"], "kind": "motion", "title": m.get("onderwerp") or "",
                        "text": m.get("tekst") or "", "date": (m.get("datum") or "")[:10] or None,
                        "dossier": m.get("dossier")})
    for l in load(LETTERS):
        out.append({"id": l["document_nummer"], "kind": "letter", "title": l.get("onderwerp") or "", "text": "",
                    "date": (l.get("datum") or "")[:10] or None, "dossier": None})
    return out


def shift(d: str | None, years: int) -> str | None:
    if not d or not years:
        return d
    x = date.fromisoformat(d)
    try:
        return x.replace(year=x.year - years).isoformat()
    except ValueError:   # 29 February
        return x.replace(year=x.year - years, day=28).isoformat()


def fill(store: Store, docs: list[dict], scale: int, shift_years: int) -> int:
    now = now_iso()
    rows = []
    for c in range(scale):
        for d in docs:
            rows.append({"id": d["id"] if c == 0 else f"{d['id']}~{c}", "kind": d["kind"], "title": d["title"],
                         "date": shift(d["date"], c * shift_years), "dossier": d["dossier"], "text": d["text"],
                         "text_hash": content_hash(d["text"]), "meta": "{}", "updated_at": now})
    with store.transaction():
        store.db["documents"].insert_all(rows, pk="id", batch_size=2000)
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,2,4,8")
    ap.add_argument("--shift-years", type=int, default=7)
    ap.add_argument("--out", default=str(ROOT / "bench/results/link.json"))
    a = ap.parse_args()
    docs = base_docs()
    results = []
    print(f"{'scale':>5} {'motions':>8} {'letters':>8} {'link s':>8} {'per 1k docs':>11} {'rerun s':>8} "
          f"{'rows written on rerun':>22} {'accepted':>9}")
    for k in [int(x) for x in a.scales.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.db")
            n = fill(store, docs, k, a.shift_years)
            t0 = time.perf_counter()
            stats = link_store(store, incremental=False)
            t1 = time.perf_counter()
            again = link_store(store, incremental=True)
            t2 = time.perf_counter()
            store.close()
        r = {"scale": k, "documents": n, "motions": stats["targets"], "letters": stats["letters"],
             "link_seconds": round(t1 - t0, 2), "seconds_per_1000_docs": round((t1 - t0) / n * 1000, 3),
             "rerun_seconds": round(t2 - t1, 2), "rerun_rows_written": again["rows_written"],
             "accepted_links": stats["accepted"], "shift_years": a.shift_years}
        results.append(r)
        print(f"{k:>5} {r['motions']:>8} {r['letters']:>8} {r['link_seconds']:>8} {r['seconds_per_1000_docs']:>11} "
              f"{r['rerun_seconds']:>8} {r['rerun_rows_written']:>22} {r['accepted_links']:>9}", flush=True)
    for prev, cur in zip(results, results[1:]):
        cur["growth_vs_previous"] = round(cur["link_seconds"] / max(prev["link_seconds"], 1e-9), 2)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("growth per step:", [r.get("growth_vs_previous") for r in results[1:]], "->", out)


if __name__ == "__main__":
    main()
