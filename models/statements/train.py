"""Train the statement classifier (commitment / fulfilment / none) — deterministic, offline.

usage: python models/statements/train.py [--cv]
Reads data/train.jsonl (hand-labelled real sentences with their source), writes model.joblib next to this file.
--cv also prints 5-fold stratified cross-validated scores of the full decision (hard rules + classifier).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import joblib
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from kamerstukken.nlp import commitments as cm  # noqa: E402


def load():
    rows = [json.loads(line) for line in (HERE / "data" / "train.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows], [r["label"] for r in rows], rows


def decide(model, texts, feats):
    out = []
    probs = model.predict_proba(texts, feats)
    for s, f, p in zip(texts, feats, probs):
        if not cm.PREFILTER.search(s):
            out.append("none")
            continue
        hd = cm._hard_decision(s, f)
        # the same decision as cm.classify_sentences: hard rules, then "none" for what it would not trust
        lab = hd[0] if hd else ("none" if cm.untrusted(f) else max(p, key=p.get))
        out.append(lab)
    return out


def prf(gold, pred, label):
    tp = sum(g == label and p == label for g, p in zip(gold, pred))
    fp = sum(g != label and p == label for g, p in zip(gold, pred))
    fn = sum(g == label and p != label for g, p in zip(gold, pred))
    pr = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    return {"precision": round(pr, 3), "recall": round(rc, 3), "f1": round(f1, 3), "tp": tp, "fp": fp, "fn": fn}


def residual(texts, feats):
    """Rows the classifier sees at run time: candidates that no hard rule decides."""
    return [i for i, (s, f) in enumerate(zip(texts, feats)) if cm.PREFILTER.search(s) and cm._hard_decision(s, f) is None]


def fit(texts, feats, labels, idx):
    return cm.StatementModel().fit([texts[i] for i in idx], [feats[i] for i in idx], [labels[i] for i in idx])


def cross_validate(texts, labels, feats, k=5, seed=13):
    from sklearn.model_selection import StratifiedKFold
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    pred = [None] * len(texts)
    for tr, te in skf.split(texts, labels):
        res = set(residual(texts, feats))
        m = fit(texts, feats, labels, [i for i in tr if i in res])
        for i, p in zip(te, decide(m, [texts[i] for i in te], [feats[i] for i in te])):
            pred[i] = p
    return {lab: prf(labels, pred, lab) for lab in ("commitment", "fulfilment")}, pred


def main():
    texts, labels, rows = load()
    feats = cm.rule_features(texts)
    if "--cv" in sys.argv:
        res, pred = cross_validate(texts, labels, feats)
        print(json.dumps(res, indent=1))
        if "--misses" in sys.argv:
            for r, p in zip(rows, pred):
                if p != r["label"]:
                    print(f"{r['label'][:4]} -> {p[:4]} | {r['text'][:160]}")
    np.random.seed(0)
    idx = residual(texts, feats)
    model = fit(texts, feats, labels, idx)
    print(f"classifier rows (not decided by hard rules): {len(idx)} "
          f"{ {lab: sum(labels[i] == lab for i in idx) for lab in sorted(set(labels))} }")
    joblib.dump(model, HERE / "model.joblib", compress=3)
    counts = {lab: labels.count(lab) for lab in sorted(set(labels))}
    print(f"trained on {len(texts)} sentences {counts}; wrote {HERE / 'model.joblib'}")


if __name__ == "__main__":
    main()
