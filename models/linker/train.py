"""Fit the learned linker (kamerstukken/link/model.py) on real letter->motion pairs. Deterministic, offline.

usage: python models/linker/train.py [SHARED_DIR] [--out kamerstukken/data/linker/model.json]

Pairs: the letter Zaken of corpus/tk_zaken_2008_2025 whose subject names, by Kamerstuk, a motion of
corpus/tk_moties_2023_2025/moties.jsonl; the reference is masked in the subject the way gold/dev's
`onderwerp_masked` is made, the letter has no body (as in the open data). Letters whose subject is one of
gold/dev/links.jsonl's are left out: gold/dev is never fitted on. The candidates of each letter are the rule
linker's (every motion of the time that shares a submitter, the dossier or a rare subject term); the named
motion is the positive, every other candidate a negative. A fixed 30 % of the letters (by a hash of the Zaak
number) is held out: the figures written with the model are measured on it.

Two calibrated models, both fitted on the fitting slice only:
- the rank score: a Platt calibration (1-D logistic regression) of the rule linker's ranking score -> the
  probability a link shows as its score (non-increasing down the ranking);
- the pair model: standardised features (kamerstukken/link/features.py) -> LogisticRegression (C=1), with a
  Platt calibration fitted on its out-of-fold margins (5 folds grouped by letter): the second opinion an
  accepted link needs.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

import kamerstukken.link as L  # noqa: E402
from kamerstukken.ingest import ingest_jsonl  # noqa: E402
from kamerstukken.link.features import FEATURES, feature_rows, vector  # noqa: E402
from kamerstukken.store import Store  # noqa: E402

_MASK_PAREN = re.compile(r"\s*\((?:t\.v\.v\.\s*)?Kamerstuk(?:ken)?\b[^)]*\)", re.I)
_MASK_BARE = re.compile(r"\s*(?:\bmet\s+)?\bKamerstuk(?:ken)?\s+\d{5}(?:[- ][A-Z0-9]+)*(?:,?\s*nr\.?\s*\d+)?", re.I)


def mask_subject(subject: str) -> str:
    return _MASK_BARE.sub("", _MASK_PAREN.sub("", subject)).strip()


def held_out(letter_id: str) -> bool:
    return int(hashlib.sha256(letter_id.split("#")[0].encode()).hexdigest(), 16) % 10 < 3


def read_pairs(shared: Path, known: set[str]) -> dict[str, dict]:
    gold = {json.loads(l)["letter_onderwerp"].strip()
            for l in (shared / "gold/dev/links.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()}
    path = shared / "corpus/tk_zaken_2008_2025/zaak_brieven_regering_over_motie_of_toezegging_2008_2025.csv"
    letters: dict[str, dict] = {}
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            subj = (r.get("Onderwerp") or "").strip()
            refs = [x.strip().lower() for x in re.split(r"[,;|]", r.get("kamerstuk_refs") or "") if x.strip()]
            refs = [x for x in refs if x in known]
            if subj and refs and subj not in gold:
                base = {"date": (r.get("GestartOp") or "")[:10], "gold": set(refs)}
                letters[r["Nummer"]] = {"id": r["Nummer"], "title": mask_subject(subj), **base}
                if not held_out(r["Nummer"]) and mask_subject(subj) != subj:
                    # the subject as written, reference and all: what an explicit reference is worth
                    letters[r["Nummer"] + "#ref"] = {"id": r["Nummer"] + "#ref", "title": subj, **base}
    return letters


def build_store(tmp: Path, motions: list[dict], letters: dict[str, dict]) -> Store:
    recs = [{"id": m["kst_id"], "kind": "motion", "date": (m.get("datum") or "")[:10], "title": m.get("onderwerp") or "",
             "text": m.get("tekst") or ""} for m in motions if m.get("kst_id")]
    recs += [{"id": l["id"], "kind": "letter", "date": l["date"], "title": l["title"], "text": ""} for l in letters.values()]
    p = tmp / "docs.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    store = Store(tmp / "train.db")
    ingest_jsonl(store, p)
    L.sync_motions(store)
    return store


def examples(store: Store, letters: dict[str, dict]):
    """(letter id, target id, features, label, rule raw score) for every rule candidate of every letter."""
    index = L.build_index(L.targets_from_store(store))
    extra = L._extraction_maps(store)
    rows = {r["id"]: r for r in store.db.query("select id, title, text, date, dossier, ministry, meta from documents "
                                                "where kind = 'letter'")}
    for lid, l in sorted(letters.items()):
        rec = L.letter_from_store(rows[lid], extra)
        found = L.candidates(index, rec)
        top = dict(sorted(found.items(), key=lambda kv: -kv[1].raw)[:30])
        feats = feature_rows(L, index, rec, top)
        for i, sc in top.items():
            tid = index.targets[i].id.lower()
            yield lid, tid, vector(feats[i]), int(tid in l["gold"]), sc.raw


def rank_figures(rows: list[tuple], scores: np.ndarray, letters: dict[str, dict]) -> dict:
    by: dict[str, list] = {}
    for (lid, tid, _x, _y, _raw), s in zip(rows, scores):
        by.setdefault(lid, []).append((s, tid))
    h1 = hg = rr = n = 0.0
    for lid, cands in by.items():
        ranked = [t for _s, t in sorted(cands, key=lambda c: -c[0])]
        g = letters[lid]["gold"]
        for ref in g:
            n += 1
            if ref in ranked:
                r = ranked.index(ref) + 1
                h1 += r == 1
                hg += r <= len(g)
                rr += 1 / r
    n = max(n, 1)
    return {"pairs": int(n), "hits@1": round(h1 / n, 3), "hits@gold": round(hg / n, 3), "mrr": round(rr / n, 3)}


def calibration(p: np.ndarray, y: np.ndarray, bins: int = 5) -> dict:
    edges = np.linspace(0, 1, bins + 1)
    out, ece = [], 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        sel = (p >= a) & ((p < b) if b < 1 else (p <= b))
        if sel.sum():
            out.append({"bin": f"{a:.1f}-{b:.1f}", "n": int(sel.sum()), "mean_p": round(float(p[sel].mean()), 3),
                        "observed": round(float(y[sel].mean()), 3)})
            ece += sel.sum() / len(p) * abs(p[sel].mean() - y[sel].mean())
    return {"brier": round(float(np.mean((p - y) ** 2)), 4), "ece": round(float(ece), 4), "bins": out}


def fit(X: np.ndarray, y: np.ndarray, groups: list[str]) -> tuple[LogisticRegression, np.ndarray, np.ndarray, tuple]:
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=5).split(Z, y, groups):
        oof[te] = LogisticRegression(C=1.0, max_iter=2000).fit(Z[tr], y[tr]).decision_function(Z[te])
    platt = LogisticRegression(C=1e6, max_iter=2000).fit(oof.reshape(-1, 1), y)
    clf = LogisticRegression(C=1.0, max_iter=2000).fit(Z, y)
    return clf, mean, scale, (float(platt.coef_[0][0]), float(platt.intercept_[0]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shared", nargs="?", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "kamerstukken/data/linker/model.json"))
    a = ap.parse_args()
    shared = Path(a.shared)
    motions = [json.loads(l) for l in (shared / "corpus/tk_moties_2023_2025/moties.jsonl").open(encoding="utf-8")]
    letters = read_pairs(shared, {m["kst_id"].lower() for m in motions if m.get("kst_id")})
    with tempfile.TemporaryDirectory() as tmp:
        store = build_store(Path(tmp), motions, letters)
        rows = list(examples(store, letters))
        store.close()
    X = np.array([r[2] for r in rows], dtype=float)
    y = np.array([r[3] for r in rows])
    hold = np.array([held_out(r[0]) for r in rows])
    clf, mean, scale, platt = fit(X[~hold], y[~hold], [r[0].split("#")[0] for r, h in zip(rows, hold) if not h])
    raw_fit = np.array([r[4] for r, h in zip(rows, hold) if not h]).reshape(-1, 1)
    rule = LogisticRegression(C=1e6, max_iter=2000).fit(raw_fit, y[~hold])
    model = {"features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(),
             "coef": clf.coef_[0].tolist(), "intercept": float(clf.intercept_[0]), "platt": list(platt),
             "rule_platt": [float(rule.coef_[0][0]), float(rule.intercept_[0])], "threshold": 0.5}
    from kamerstukken.link.model import margin, probability
    m_hold = np.array([margin(model, list(x)) for x in X[hold]])
    p_hold = np.array([probability(model, v) for v in m_hold])
    held_rows = [r for r, h in zip(rows, hold) if h]
    held_letters = {k: v for k, v in letters.items() if held_out(k)}
    model["training"] = {
        "letters_fit": sum(1 for k in letters if not held_out(k) and "#" not in k),
        "letters_held_out": len(held_letters),
        "examples_fit": int((~hold).sum()), "positives_fit": int(y[~hold].sum()),
        "held_out_learned": rank_figures(held_rows, m_hold, letters),
        "held_out_rules": rank_figures(held_rows, np.array([r[4] for r in held_rows]), letters),
        "held_out_calibration": calibration(p_hold, y[hold]),
        "held_out_calibration_rank_score": calibration(
            1 / (1 + np.exp(-(model["rule_platt"][0] * np.array([r[4] for r in held_rows]) + model["rule_platt"][1]))),
            y[hold]),
        "weights": {f: round(w, 3) for f, w in zip(FEATURES, clf.coef_[0])},
    }
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(model["training"], indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
