"""Quality and speed of each extractor on a gold folder (the grading rule of kamerstukken.evaluate, which
follows shared/tools/score_extract.py), plus the time of each extractor on ~1 MB of the gold sentences.

usage: python bench/eval_extract.py [GOLD_DIR] [--only deadlines|commitments|motion_refs] [--misses]
default GOLD_DIR: ../shared/gold/dev (relative to the repo root)
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from kamerstukken.evaluate import _load, evaluate_gold
from kamerstukken.nlp.commitments import find_statements
from kamerstukken.nlp.deadlines import find_deadlines
from kamerstukken.nlp.motions import find_motion_mentions
from kamerstukken.nlp.references import find_references

ROOT = Path(__file__).resolve().parents[1]
SPEED = {"deadlines": [("find_deadlines", lambda t: find_deadlines(t, dt.date(2024, 6, 1)))],
         "commitments": [("find_statements", lambda t: find_statements(t))],
         "motion_refs": [("find_motion_mentions", find_motion_mentions), ("find_references", find_references)]}


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    if only:
        args = [a for a in args if a != only]
    gold = Path(args[0]) if args else ROOT.parent / "shared" / "gold" / "dev"
    misses: dict = {}
    res = evaluate_gold(gold, only=only, misses=misses)
    for task in res:
        blob = "\n\n".join(it["sentence"] for it in _load(gold / f"{task}.jsonl"))
        big = (blob + "\n\n") * (1_000_000 // (len(blob) + 2) + 1)
        for name, fn in SPEED[task]:
            c = time.process_time()
            fn(big)
            res[task][f"cpu_seconds_per_MB_{name}"] = round((time.process_time() - c) / (len(big) / 1e6), 3)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    if "--misses" in argv:
        for task, ms in misses.items():
            for m in ms:
                print(task, json.dumps(m, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
