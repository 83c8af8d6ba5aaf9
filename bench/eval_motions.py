"""Score find_motion_mentions directly on a gold motion_refs.jsonl, with the exact rule of
/work/shared/tools/score_extract.py (score_motions: span overlap via text.find, last-word submitter sets).

usage: python bench/eval_motions.py [GOLD_JSONL] [--misses]      (default ../shared/gold/dev/motion_refs.jsonl)
Also reports the time to run find_motion_mentions + find_references over ~1 MB of text.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from kamerstukken.nlp.motions import find_motion_mentions
from kamerstukken.nlp.references import find_references

DEFAULT = "../shared/gold/dev/motion_refs.jsonl"


# --- copied verbatim from score_extract.py (the grading rule) ---
def span_of(sentence, text, start=None, end=None):
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(sentence):
        return start, end
    i = sentence.find(text or "")
    if i < 0 or not text:
        return None
    return i, i + len(text)


def overlaps(a, b):
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def norm_ref(r):
    return (r or "").strip().lower() or None


def score_motions(items, pred):
    tp = fp = fn = 0
    ref_ok = sub_ok = done_ok = n = 0
    for it in items:
        s = it["sentence"]
        preds = pred.get(it["id"], {}).get("motions") or []
        pspans = [span_of(s, p.get("text")) for p in preds]
        used = set()
        for g in it.get("motions", []):
            gs = span_of(s, g["text"])
            match = None
            for k, ps in enumerate(pspans):
                if k not in used and (overlaps(gs, ps) or (len(preds) == 1 and len(it["motions"]) == 1)):
                    match = k
                    break
            if match is None:
                fn += 1
                continue
            used.add(match)
            tp += 1
            n += 1
            p = preds[match]
            ref_ok += norm_ref(p.get("ref")) == norm_ref(g.get("ref"))
            gsub = {x.lower().split()[-1] for x in g.get("submitters") or []}
            psub = {x.lower().split()[-1] for x in p.get("submitters") or [] if x.strip()}
            sub_ok += gsub == psub
            done_ok += bool(p.get("declared_done")) == bool(g.get("declared_done"))
        fp += len(preds) - len(used)
    res = prf(tp, fp, fn)
    res.update({"ref_accuracy": round(ref_ok / n, 3) if n else 0.0,
                "submitters_accuracy": round(sub_ok / n, 3) if n else 0.0,
                "declared_done_accuracy": round(done_ok / n, 3) if n else 0.0})
    return res, []
# --- end of copy ---


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[0] if args else DEFAULT)
    items = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    pred = {}
    for it in items:
        ms = find_motion_mentions(it["sentence"], it.get("footnotes"))
        pred[it["id"]] = {"motions": [m.to_json() for m in ms]}
    res, _ = score_motions(items, pred)
    res["items"] = len(items)
    # speed: ~1 MB of the gold sentences repeated
    blob = "\n\n".join(it["sentence"] for it in items)
    big = (blob + "\n\n") * (1_000_000 // (len(blob) + 2) + 1)
    t0 = time.perf_counter()
    find_motion_mentions(big)
    t1 = time.perf_counter()
    find_references(big)
    t2 = time.perf_counter()
    res["mb_seconds_mentions"] = round(t1 - t0, 3)
    res["mb_seconds_references"] = round(t2 - t1, 3)
    res["mb_chars"] = len(big)
    print(json.dumps(res, indent=1))
    if "--misses" in argv:
        for it in items:
            g = [(m["text"], m["ref"], m["submitters"], m["declared_done"]) for m in it.get("motions", [])]
            p = [(m["text"], m["ref"], m["submitters"], m["declared_done"]) for m in pred[it["id"]]["motions"]]
            if g != p:
                print(it["id"], "\n  gold", g, "\n  pred", p)


if __name__ == "__main__":
    main(sys.argv[1:])
