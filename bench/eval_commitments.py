"""Score `find_statements` directly on a gold commitments.jsonl with the exact rule of score_extract.py
(score_commitments: per item, a label counts as predicted if any returned statement has that type).

usage: python bench/eval_commitments.py [GOLD_JSONL] [--quiet]
default GOLD_JSONL: ../shared/gold/dev/commitments.jsonl (relative to the repo root). Prints the figures as JSON
and then every miss (id, gold, predicted, sentence).
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kamerstukken.nlp.commitments import find_statements  # noqa: E402


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def score(items, pred):
    out, misses = {}, []
    for label in ("commitment", "fulfilment"):
        tp = fp = fn = 0
        for it in items:
            types = {st["type"] for st in pred.get(it["id"], [])}
            g = it["label"] == label
            p = label in types
            tp += g and p
            fp += (not g) and p
            fn += g and (not p)
            if g != p:
                misses.append({"id": it["id"], "gold": it["label"], "pred": sorted(types), "sentence": it["sentence"][:200]})
        out[label] = prf(tp, fp, fn)
    return out, misses


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    gold = Path(args[0]) if args else ROOT.parent / "shared" / "gold" / "dev" / "commitments.jsonl"
    items = [json.loads(l) for l in gold.read_text(encoding="utf-8").splitlines() if l.strip()]
    t0 = time.perf_counter()
    pred = {}
    for it in items:
        anchor = None
        try:
            anchor = dt.date.fromisoformat(it.get("anchor_date") or "")
        except ValueError:
            pass
        pred[it["id"]] = [s.to_json() for s in find_statements(it["sentence"], anchor)]
    secs = time.perf_counter() - t0
    res, misses = score(items, pred)
    res["items"] = len(items)
    res["seconds"] = round(secs, 3)
    print(json.dumps(res, indent=1))
    if "--quiet" not in sys.argv:
        seen = set()
        for m in misses:
            if m["id"] in seen:
                continue
            seen.add(m["id"])
            print(f"{m['id']}\tgold={m['gold']}\tpred={','.join(m['pred']) or '-'}\t{m['sentence']}")


if __name__ == "__main__":
    main()
