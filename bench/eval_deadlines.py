"""Score `find_deadlines` directly on a gold file with the grading rule of shared/tools/score_extract.py.

usage: python bench/eval_deadlines.py [GOLD_JSONL] [--misses] [--speed]
Default gold: ../shared/gold/dev/deadlines.jsonl (relative to the repo) or /work/shared/gold/dev/deadlines.jsonl.
Prints the figures (precision, recall, end_date_accuracy, detection_recall) and, with --misses, every miss.
`score_deadlines` below is a verbatim copy of the scorer's function, so the figures are the scorer's.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

from kamerstukken.nlp.deadlines import find_deadlines

DAY_RE = re.compile(r"\b\d{1,2}\s+(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b", re.I)


def span_of(sentence, text, start=None, end=None):
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(sentence):
        return start, end
    i = sentence.find(text or "")
    if i < 0 or not text:
        return None
    return i, i + len(text)


def overlaps(a, b):
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def parse_date(s):
    try:
        return dt.date.fromisoformat(str(s)[:10])
    except Exception:
        return None


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def score_deadlines(items, pred):
    tp = fp = fn = 0
    detect_tp = 0
    misses = []
    for it in items:
        s = it["sentence"]
        golds = [(g, span_of(s, g["text"])) for g in it.get("deadlines", [])]
        preds = [(p, span_of(s, p.get("text"), p.get("char_start"), p.get("char_end")))
                 for p in (pred.get(it["id"], {}).get("deadlines") or [])]
        used = set()
        correct = 0
        for g, gs in golds:
            tol = 0 if DAY_RE.search(g["text"]) else 7
            gend = parse_date(g["end"])
            hit = False
            for k, (p, ps) in enumerate(preds):
                if k in used or not overlaps(gs, ps):
                    continue
                used.add(k)
                detect_tp += 1
                pend = parse_date(p.get("end"))
                hit = bool(gend and pend and abs((pend - gend).days) <= tol)
                break
            if hit:
                correct += 1
            else:
                misses.append({"id": it["id"], "gold": g["text"], "gold_end": g["end"],
                               "pred": [(p.get("text"), p.get("end")) for p, _ in preds]})
        tp += correct
        fn += len(golds) - correct
        fp += len(preds) - correct
        if preds and not golds:
            misses.append({"id": it["id"], "gold": None, "pred": [(p.get("text"), p.get("end")) for p, _ in preds]})
    gold_n = sum(len(it.get("deadlines", [])) for it in items)
    res = prf(tp, fp, fn)
    res["end_date_accuracy"] = round(tp / gold_n, 3) if gold_n else 0.0
    res["detection_recall"] = round(detect_tp / gold_n, 3) if gold_n else 0.0
    res["gold"] = gold_n
    return res, misses


def _default_gold() -> Path:
    here = Path(__file__).resolve().parents[1]
    for cand in (here.parent / "shared" / "gold" / "dev" / "deadlines.jsonl",
                 Path("/work/shared/gold/dev/deadlines.jsonl")):
        if cand.exists():
            return cand
    raise SystemExit("no gold file given and none found")


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    gold = Path(args[0]) if args else _default_gold()
    items = [json.loads(l) for l in gold.read_text(encoding="utf-8").splitlines() if l.strip()]
    pred = {}
    for it in items:
        anchor = dt.date.fromisoformat(it["anchor_date"]) if it.get("anchor_date") else None
        pred[it["id"]] = {"deadlines": [d.to_json() for d in find_deadlines(it["sentence"], anchor)]}
    res, misses = score_deadlines(items, pred)
    print(json.dumps(res, ensure_ascii=False))
    if "--misses" in argv:
        for m in misses:
            print(json.dumps(m, ensure_ascii=False))
    if "--speed" in argv:
        text = "\n\n".join(it["sentence"] for it in items)
        big = (text + "\n\n") * (1_000_000 // (len(text) + 2) + 1)
        t, c = time.perf_counter(), time.process_time()
        n = len(find_deadlines(big, dt.date(2024, 6, 1)))
        el, cpu = time.perf_counter() - t, time.process_time() - c
        print(f"speed: {len(big)/1e6:.2f} MB of gold sentences (dense in dates) in {el:.3f} s wall, {cpu:.3f} s cpu "
              f"({n} deadlines)")


if __name__ == "__main__":
    main(sys.argv[1:])
