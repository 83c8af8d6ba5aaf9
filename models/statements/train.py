"""Train the statement classifier (commitment / fulfilment / none) — deterministic, offline.

usage: python models/statements/train.py [--cv] [--curve] [--misses] [--no-write]

Reads data/labels.jsonl (two-pass labelled real sentences, each with its document id) and, for training only,
data/augment.jsonl (sentences written by the project, marked `augmented`; never evaluated, never more than a third
of a class). Writes model.json + model.npz (the plain form the package loads without scikit-learn) next to this file and data/metrics.json.

--cv     cross-validation grouped by document (StratifiedGroupKFold, 5 folds, 3 shuffles): per-class P/R/F1, mean
         and standard deviation over the 15 folds, of the decision the package makes (gate + model + decision
         weights tuned inside each training part only)
--curve  learning curve: F1 per class against the share of training documents (same folds)
--misses print the cross-validated misses
"""
from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from kamerstukken.nlp import commitments as cm  # noqa: E402
from kamerstukken.nlp.statement_model import StatementModel, decide as decide_one, to_plain  # noqa: E402

LABELS = ("commitment", "fulfilment", "none")
PARAMS = {"C": 2.0, "feature_weight": 1.0}
GRID = (0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def load() -> tuple[list[dict], list[dict]]:
    rows = [r for r in _jsonl(HERE / "data" / "labels.jsonl") if r.get("label") in LABELS]
    aug = [r for r in _jsonl(HERE / "data" / "augment.jsonl") if r.get("label") in LABELS]
    for r in aug:
        assert r.get("augmented") is True, "augmentation rows must be marked augmented"
    return rows, aug


def featurise(rows: list[dict]) -> list[dict]:
    return [cm.sentence_features(r["text"]) if cm.is_candidate(r["text"]) else None for r in rows]


def _fit_plain(rows: list[dict], feats: list[dict], **params) -> StatementModel:
    keep = [i for i, f in enumerate(feats) if f is not None]   # the model sees what passes the gate
    return StatementModel(**{**PARAMS, **params}).fit([rows[i]["text"] for i in keep], [feats[i] for i in keep],
                                                      [rows[i]["label"] for i in keep])


def probabilities(model: StatementModel, rows: list[dict], feats: list[dict]) -> list[dict]:
    out = [{"none": 1.0}] * len(rows)
    keep = [i for i, f in enumerate(feats) if f is not None]
    if keep:
        for i, p in zip(keep, model.predict_proba([rows[i]["text"] for i in keep], [feats[i] for i in keep])):
            out[i] = p
    return out


def tune_weights(rows: list[dict], feats: list[dict], n_aug: int, **params) -> dict[str, float]:
    """Decision weights from out-of-fold probabilities (3 folds grouped by document) of these training rows: the
    pair that maximises the mean F1 of commitment and fulfilment. The last `n_aug` rows are augmentation: trained
    on, never scored."""
    real = len(rows) - n_aug
    oof: list[dict] = [None] * real
    y = [r["label"] for r in rows[:real]]
    for _seed, tr, te in folds(rows[:real], k=3, seeds=(7,)):
        idx = list(tr) + list(range(real, len(rows)))
        m = _fit_plain([rows[i] for i in idx], [feats[i] for i in idx], **params)
        for i, p in zip(te, probabilities(m, [rows[i] for i in te], [feats[i] for i in te])):
            oof[i] = p
    best, best_score = {"commitment": 1.0, "fulfilment": 1.0, "none": 1.0}, -1.0
    for wc in GRID:
        for wf in GRID:
            w = {"commitment": wc, "fulfilment": wf, "none": 1.0}
            pred = [decide_one(p, w) for p in oof]
            score = (prf(y, pred, "commitment")["f1"] + prf(y, pred, "fulfilment")["f1"]) / 2
            if score > best_score + 1e-9:
                best, best_score = w, score
    return best


def fit(rows: list[dict], feats: list[dict], n_aug: int = 0, **params) -> StatementModel:
    model = _fit_plain(rows, feats, **params)
    model.decision_weights = tune_weights(rows, feats, n_aug, **params)
    return model


def decide(model: StatementModel, rows: list[dict], feats: list[dict]) -> list[str]:
    weights = getattr(model, "decision_weights", None)
    return [decide_one(p, weights) for p in probabilities(model, rows, feats)]


def prf(gold: list[str], pred: list[str], label: str) -> dict:
    tp = sum(g == label and p == label for g, p in zip(gold, pred))
    fp = sum(g != label and p == label for g, p in zip(gold, pred))
    fn = sum(g == label and p != label for g, p in zip(gold, pred))
    pr = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": pr, "recall": rc, "f1": 2 * pr * rc / (pr + rc) if pr + rc else 0.0, "tp": tp, "fp": fp, "fn": fn}


def folds(rows: list[dict], k: int = 5, seeds=range(3)):
    from sklearn.model_selection import StratifiedGroupKFold
    y = [r["label"] for r in rows]
    groups = [r["doc"] for r in rows]
    for seed in seeds:
        for tr, te in StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(rows, y, groups):
            yield seed, list(tr), list(te)


def _summary(per_fold: list[dict]) -> dict:
    out = {}
    for lab in ("commitment", "fulfilment"):
        res = {}
        for m in ("precision", "recall", "f1"):
            vals = [f[lab][m] for f in per_fold]
            res[m] = {"mean": round(statistics.mean(vals), 3), "sd": round(statistics.pstdev(vals), 3)}
        out[lab] = res
    return out


def cross_validate(rows, aug, feats, aug_feats, misses=False):
    per_fold, pooled_gold, pooled_pred, wrong = [], [], [], []
    for seed, tr, te in folds(rows):
        train = [rows[i] for i in tr] + aug
        tf = [feats[i] for i in tr] + aug_feats
        m = fit(train, tf, len(aug))
        pred = decide(m, [rows[i] for i in te], [feats[i] for i in te])
        gold = [rows[i]["label"] for i in te]
        per_fold.append({lab: prf(gold, pred, lab) for lab in LABELS})
        if seed == 0:
            pooled_gold += gold
            pooled_pred += pred
            wrong += [(rows[i], p) for i, p in zip(te, pred) if p != rows[i]["label"]]
    res = {"folds": len(per_fold), "per_class": _summary(per_fold),
           "pooled_seed0": {lab: {k: round(v, 3) if isinstance(v, float) else v
                                  for k, v in prf(pooled_gold, pooled_pred, lab).items()} for lab in LABELS[:2]}}
    if misses:
        for r, p in sorted(wrong, key=lambda x: (x[0]["label"], p)):
            print(f"{r['label'][:4]} -> {p[:4]} | {r['kind']:11} | {r['doc'][:24]:24} | {r['text'][:150]}")
    return res


def learning_curve(rows, aug, feats, aug_feats, shares=(0.1, 0.25, 0.5, 0.75, 1.0)):
    rng = np.random.RandomState(0)
    curve = {s: [] for s in shares}
    for seed, tr, te in folds(rows, seeds=range(1)):
        docs = sorted({rows[i]["doc"] for i in tr})
        order = list(rng.permutation(len(docs)))
        for s in shares:
            keep = {docs[j] for j in order[:max(1, int(round(s * len(docs))))]}
            sub = [i for i in tr if rows[i]["doc"] in keep]
            m = fit([rows[i] for i in sub] + aug, [feats[i] for i in sub] + aug_feats, len(aug))
            pred = decide(m, [rows[i] for i in te], [feats[i] for i in te])
            gold = [rows[i]["label"] for i in te]
            curve[s].append({lab: prf(gold, pred, lab)["f1"] for lab in LABELS[:2]} | {"n": len(sub)})
    return [{"share": s, "train_sentences": int(statistics.mean(x["n"] for x in v)),
             **{lab: {"f1": round(statistics.mean(x[lab] for x in v), 3), "sd": round(statistics.pstdev(x[lab] for x in v), 3)}
                for lab in LABELS[:2]}} for s, v in curve.items()]


def gate_recall(rows, feats) -> dict:
    out = {}
    for lab in LABELS[:2]:
        pos = [f for r, f in zip(rows, feats) if r["label"] == lab]
        out[lab] = {"positives": len(pos), "passing_gate": sum(f is not None for f in pos)}
    return out


def main() -> None:
    rows, aug = load()
    feats, aug_feats = featurise(rows), featurise(aug)
    metrics: dict = {"data": {lab: sum(r["label"] == lab for r in rows) for lab in LABELS},
                     "documents": len({r["doc"] for r in rows}),
                     "augmented": {lab: sum(r["label"] == lab for r in aug) for lab in LABELS},
                     "gate_recall": gate_recall(rows, feats), "params": PARAMS}
    print(json.dumps({k: metrics[k] for k in ("data", "documents", "augmented", "gate_recall")}))
    if "--cv" in sys.argv:
        metrics["cv"] = cross_validate(rows, aug, feats, aug_feats, misses="--misses" in sys.argv)
        print(json.dumps(metrics["cv"], indent=1))
    if "--curve" in sys.argv:
        metrics["learning_curve"] = learning_curve(rows, aug, feats, aug_feats)
        print(json.dumps(metrics["learning_curve"], indent=1))
    if "--no-write" in sys.argv:
        return
    np.random.seed(0)
    model = fit(rows + aug, feats + aug_feats, len(aug))
    metrics["decision_weights"] = model.decision_weights
    meta, arrays = to_plain(model, trained_on={"labelled": len(rows), "augmented": len(aug)})
    (HERE / "model.json").write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    save_npz(HERE / "model.npz", arrays)
    old = _jsonl_or_empty(HERE / "data" / "metrics.json")
    old.update(metrics)
    (HERE / "data" / "metrics.json").write_text(json.dumps(old, indent=1) + "\n", encoding="utf-8")
    print(f"trained on {len(rows)} labelled + {len(aug)} augmented sentences; wrote model.json, model.npz and data/metrics.json")


def save_npz(path: Path, arrays: dict) -> None:
    """np.savez_compressed, byte for byte the same on every run (fixed member dates)."""
    import io
    import zipfile
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.save(buf, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def _jsonl_or_empty(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


if __name__ == "__main__":
    main()
