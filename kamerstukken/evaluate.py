"""`kamerstukken evaluate --gold DIR`: the figures of the outside scorer, computed in-process.

The grading follows spec/deadlines.md and tools/score_extract.py: a deadline counts when its span
overlaps the gold span and its end equals the gold end (7 days of tolerance unless the gold phrase names a
day); statements are scored per label on sentence level; motion mentions by overlapping spans.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Optional

from .nlp.extract import extract_line
from .parse.common import MONTHS

DAY_RE = re.compile(r"\b\d{1,2}\s+(" + "|".join(MONTHS) + r")\b", re.I)   # as the outside scorer has it


def _load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _predict(items: list[dict]) -> dict:
    out = {}
    for it in items:
        rec = {"id": it["id"], "text": it["sentence"], "anchor_date": it["anchor_date"]}
        if it.get("footnotes"):
            rec["footnotes"] = it["footnotes"]
        res = extract_line(json.dumps(rec, ensure_ascii=False))
        if res:
            out[it["id"]] = res
    return out


def _span(sentence, text, start=None, end=None):
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(sentence):
        return start, end
    i = sentence.find(text or "")
    return (i, i + len(text)) if text and i >= 0 else None


def _overlap(a, b):
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _date(s):
    try:
        return dt.date.fromisoformat(str(s)[:10])
    except Exception:
        return None


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def score_deadlines(items: list[dict], pred: dict, misses: Optional[list] = None) -> dict:
    tp = fp = fn = 0
    gold_n = detect = 0
    for it in items:
        s = it["sentence"]
        golds = [(g, _span(s, g["text"])) for g in it.get("deadlines", [])]
        preds = [(p, _span(s, p.get("text"), p.get("char_start"), p.get("char_end")))
                 for p in (pred.get(it["id"], {}).get("deadlines") or [])]
        used, correct = set(), 0
        for g, gs in golds:
            tol = 0 if DAY_RE.search(g["text"]) else 7
            for k, (p, ps) in enumerate(preds):
                if k in used or not _overlap(gs, ps):
                    continue
                used.add(k)
                detect += 1
                ge, pe = _date(g["end"]), _date(p.get("end"))
                hit = bool(ge and pe and abs((pe - ge).days) <= tol)
                correct += hit
                break
            else:
                hit = False
            if not hit and misses is not None:
                misses.append({"id": it["id"], "gold": g["text"], "gold_end": g["end"],
                               "pred": [(p.get("text"), p.get("end")) for p, _ in preds]})
        if preds and not golds and misses is not None:
            misses.append({"id": it["id"], "gold": None, "pred": [(p.get("text"), p.get("end")) for p, _ in preds]})
        gold_n += len(golds)
        tp += correct
        fn += len(golds) - correct
        fp += len(preds) - correct
    res = prf(tp, fp, fn)
    res["end_date_accuracy"] = round(tp / gold_n, 3) if gold_n else 0.0
    res["detection_recall"] = round(detect / gold_n, 3) if gold_n else 0.0
    return res


def score_statements(items: list[dict], pred: dict, misses: Optional[list] = None) -> dict:
    out = {}
    for label in ("commitment", "fulfilment"):
        tp = fp = fn = 0
        for it in items:
            types = {st.get("type") for st in (pred.get(it["id"], {}).get("statements") or [])}
            g, p = it["label"] == label, label in types
            tp += g and p
            fp += (not g) and p
            fn += g and not p
            if g != p and misses is not None:
                misses.append({"id": it["id"], "gold": it["label"], "pred": sorted(t for t in types if t),
                               "sentence": it["sentence"][:160]})
        out[label] = prf(tp, fp, fn)
    return out


def score_motions(items: list[dict], pred: dict, misses: Optional[list] = None) -> dict:
    tp = fp = fn = 0
    ref_ok = sub_ok = done_ok = n = 0
    for it in items:
        s = it["sentence"]
        preds = pred.get(it["id"], {}).get("motions") or []
        pspans = [_span(s, p.get("text")) for p in preds]
        used = set()
        for g in it.get("motions", []):
            gs = _span(s, g["text"])
            match = next((k for k, ps in enumerate(pspans) if k not in used and
                          (_overlap(gs, ps) or (len(preds) == 1 and len(it["motions"]) == 1))), None)
            if match is None:
                fn += 1
                continue
            used.add(match)
            tp += 1
            n += 1
            p = preds[match]
            ref_ok += (p.get("ref") or "").lower() == (g.get("ref") or "").lower()
            gsub = {x.lower().split()[-1] for x in g.get("submitters") or []}
            psub = {x.lower().split()[-1] for x in p.get("submitters") or [] if x.strip()}
            sub_ok += gsub == psub
            done_ok += bool(p.get("declared_done")) == bool(g.get("declared_done"))
        fp += len(preds) - len(used)
        key = lambda m: (m.get("text"), (m.get("ref") or "").lower() or None,  # noqa: E731
                         [x.lower().split()[-1] for x in m.get("submitters") or []], bool(m.get("declared_done")))
        if misses is not None and [key(m) for m in it.get("motions", [])] != [key(m) for m in preds]:
            misses.append({"id": it["id"], "gold": it.get("motions", []), "pred": preds})
    res = prf(tp, fp, fn)
    res.update({"ref_accuracy": round(ref_ok / n, 3) if n else 0.0,
                "submitters_accuracy": round(sub_ok / n, 3) if n else 0.0,
                "declared_done_accuracy": round(done_ok / n, 3) if n else 0.0})
    return res


TASKS = {"deadlines": score_deadlines, "commitments": score_statements, "motion_refs": score_motions}


def evaluate_gold(gold_dir: str | Path, only: Optional[str] = None, misses: Optional[dict] = None) -> dict:
    """Figures per task on a gold folder; with `misses` (a dict), every miss is collected there per task."""
    gold_dir = Path(gold_dir)
    result = {}
    for name, scorer in TASKS.items():
        if only and name != only:
            continue
        items = _load(gold_dir / f"{name}.jsonl")
        if items:
            bucket = misses.setdefault(name, []) if misses is not None else None
            result[name] = scorer(items, _predict(items), bucket)
    return result
