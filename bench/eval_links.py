"""Measure the linker on real letter->motion pairs, in-process, exactly as tools/score_links.py does it.

All motions of moties.jsonl with a kst_id are the candidates (kind motion, title = onderwerp, text = tekst,
date = datum); each gold letter is a document of kind letter with title = onderwerp_masked (the explicit
Kamerstuk reference removed) and empty text. Prints hits@1, hits@5, MRR, relation accuracy (Uitvoering ->
fulfils, Appreciatie -> not fulfils), the ceiling the per-pair scoring allows (a letter naming two motions
can put only one at rank 1), and a plain TF-IDF baseline.

usage: python bench/eval_links.py [LINKS_JSONL] [MOTIONS_JSONL] [--json OUT] [--misses]
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

from benchlib import SHARED, read_jsonl  # noqa: E402  (puts the project on sys.path)
from kamerstukken.ingest import ingest_jsonl  # noqa: E402
from kamerstukken.link import export_links, link_store  # noqa: E402
from kamerstukken.store import Store  # noqa: E402


def load(path: Path) -> list[dict]:
    return list(read_jsonl(path))


def docs_like_scorer(pairs: list[dict], motions: list[dict]) -> list[dict]:
    out = []
    for m in motions:
        if not m.get("kst_id"):
            continue
        out.append({"id": m["kst_id"], "kind": "motion", "date": (m.get("datum") or "")[:10],
                    "title": m.get("onderwerp") or "", "text": m.get("tekst") or "",
                    "source": "https://zoek.officielebekendmakingen.nl/%s.html" % m["kst_id"]})
    seen = set()
    for p in pairs:
        if p["letter_document_nummer"] in seen:
            continue
        seen.add(p["letter_document_nummer"])
        out.append({"id": p["letter_document_nummer"], "kind": "letter", "date": (p.get("letter_datum") or "")[:10],
                    "title": p["onderwerp_masked"], "text": ""})
    return out


def ingest(store: Store, docs: list[dict], workdir: Path) -> None:
    """The documents in through `ingest --jsonl`'s function, as the scorer does."""
    p = workdir / "docs.jsonl"
    p.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    ingest_jsonl(store, p)


def score(pairs: list[dict], ranked: dict[str, list[dict]]) -> dict:
    n = len(pairs)
    h1 = h5 = 0
    rr = 0.0
    ok = tot = 0
    misses = []
    for p in pairs:
        cands = ranked.get(p["letter_document_nummer"], [])
        ids = [c.get("to", "").lower() for c in cands]
        gold = p["motion_kst_ref"].lower()
        if gold in ids:
            r = ids.index(gold) + 1
            h1 += r == 1
            h5 += r <= 5
            rr += 1 / r
            hint = (p.get("relation_hint") or "").lower()
            if hint.startswith("appreciatie") or hint.startswith("uitvoering"):
                tot += 1
                rel = cands[r - 1].get("relation")
                good = (rel == "fulfils") == hint.startswith("uitvoering")
                ok += good
                if not good:
                    misses.append({"letter": p["letter_document_nummer"], "gold": gold, "relation": rel,
                                   "hint": p.get("relation_hint"), "title": p["onderwerp_masked"][:150]})
        else:
            r = None
        if r != 1:
            misses.append({"letter": p["letter_document_nummer"], "gold": gold, "rank": r,
                           "title": p["onderwerp_masked"][:150], "top": cands[:3]})
    # the per-pair scoring's ceiling: a letter with g gold motions can put only one of them at rank 1
    per_letter: dict[str, int] = {}
    for p in pairs:
        per_letter[p["letter_document_nummer"]] = per_letter.get(p["letter_document_nummer"], 0) + 1
    ceil_h1 = sum(1 for _ in per_letter.values()) / n
    ceil_mrr = sum(sum(1 / k for k in range(1, g + 1)) for g in per_letter.values()) / n
    # set-aware: a gold motion at rank <= (number of gold motions of its letter) counts as a hit
    set_hits = 0
    for p in pairs:
        ids = [c.get("to", "").lower() for c in ranked.get(p["letter_document_nummer"], [])]
        gold = p["motion_kst_ref"].lower()
        if gold in ids and ids.index(gold) < per_letter[p["letter_document_nummer"]]:
            set_hits += 1
    # per letter: is the top candidate one of the letter's gold motions (the question a clerk asks)
    gold_of: dict[str, set] = {}
    for p in pairs:
        gold_of.setdefault(p["letter_document_nummer"], set()).add(p["motion_kst_ref"].lower())
    letter_h1 = sum(1 for lid, g in gold_of.items()
                    if [c.get("to", "").lower() for c in ranked.get(lid, [])][:1] and
                    ranked[lid][0].get("to", "").lower() in g)
    out_letters = {"letters": len(gold_of), "letter_hits@1": round(letter_h1 / max(1, len(gold_of)), 3)}
    # precision of the accepted `fulfils` links of the measured letters: is the motion one the letter names?
    acc = [(lid, c.get("to", "").lower()) for lid in gold_of for c in ranked.get(lid, [])
           if c.get("accepted") and c.get("relation") == "fulfils"]
    out_letters["accepted_fulfils"] = len(acc)
    out_letters["accepted_fulfils_precision"] = round(sum(t in gold_of[l] for l, t in acc) / len(acc), 3) if acc else None
    out_letters["hits@gold"] = round(set_hits / n, 3)
    got = sum(any(c.get("to", "").lower() == p["motion_kst_ref"].lower() and c.get("accepted")
                  for c in ranked.get(p["letter_document_nummer"], [])) for p in pairs)
    out_letters["gold_accepted_recall"] = round(got / n, 3)
    return {**out_letters, "pairs": n, "hits@1": round(h1 / n, 3), "hits@5": round(h5 / n, 3), "mrr": round(rr / n, 3),
            "relation_accuracy_uitvoering_vs_appreciatie": round(ok / tot, 3) if tot else None,
            "letters_answered": len(ranked), "ceiling_hits@1": round(ceil_h1, 3), "ceiling_mrr": round(ceil_mrr, 3),
            "set_aware_hits@1": round(set_hits / n, 3), "_misses": misses}


def tfidf_baseline(pairs: list[dict], motions: list[dict], k: int = 10) -> dict[str, list[dict]]:
    """Plain TF-IDF: cosine of the letter title against motion title + text, over all motions."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    ms = [m for m in motions if m.get("kst_id")]
    vec = TfidfVectorizer(sublinear_tf=True)
    X = vec.fit_transform([(m.get("onderwerp") or "") + " " + (m.get("tekst") or "") for m in ms])
    letters = {}
    for p in pairs:
        letters.setdefault(p["letter_document_nummer"], p["onderwerp_masked"])
    ids = list(letters)
    Q = vec.transform([letters[i] for i in ids])
    S = (Q @ X.T).toarray()
    out = {}
    for row, lid in zip(S, ids):
        top = row.argsort()[::-1][:k]
        out[lid] = [{"to": ms[j]["kst_id"], "score": float(row[j]), "relation": "mentions"} for j in top]
    return out


_MASK_PAREN = re.compile(r"\s*\((?:t\.v\.v\.\s*)?Kamerstuk(?:ken)?\b[^)]*\)", re.I)
_MASK_BARE = re.compile(r"\s*(?:\bmet\s+)?\bKamerstuk(?:ken)?\s+\d{5}(?:[- ][A-Z0-9]+)*(?:,?\s*nr\.?\s*\d+)?", re.I)


def mask_subject(subject: str) -> str:
    """Remove the explicit Kamerstuk reference from a letter subject, as the gold set's `onderwerp_masked` does
    ("... (Kamerstuk 36450-44)" and "(t.v.v. Kamerstuk 32156-132)" go; "c.s. Kamerstuk 36602-109)" keeps its
    ")")."""
    s = _MASK_PAREN.sub("", subject)
    return _MASK_BARE.sub("", s).strip()


def silver_pairs(motions: list[dict], gold_pairs: list[dict]) -> list[dict]:
    """A second, independent measurement: letter Zaken of corpus/tk_zaken_2008_2025 whose subject names a
    Kamerstuk that is one of the corpus motions, minus the letters of the gold set; the subject masked as in
    the gold set. Letters are distinct from gold/dev, so nothing here was looked at while building the rules."""
    import csv
    known = {m["kst_id"].lower() for m in motions if m.get("kst_id")}
    gold_subjects = {p["letter_onderwerp"].strip() for p in gold_pairs}
    path = SHARED / "corpus/tk_zaken_2008_2025/zaak_brieven_regering_over_motie_of_toezegging_2008_2025.csv"
    out = []
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            subj = (r.get("Onderwerp") or "").strip()
            if not subj or subj in gold_subjects:
                continue
            refs = [x.strip().lower() for x in re.split(r"[,;|]", r.get("kamerstuk_refs") or "") if x.strip()]
            for ref in refs:
                if ref in known:
                    hint = "Uitvoering" if re.match(r"(?i)uitvoering", subj) else (
                        "Appreciatie" if re.match(r"(?i)(appreciatie|oordeel)", subj) else "")
                    out.append({"letter_document_nummer": r["Nummer"], "letter_datum": (r.get("GestartOp") or "")[:10],
                                "letter_onderwerp": subj, "onderwerp_masked": mask_subject(subj),
                                "motion_kst_ref": ref, "relation_hint": hint})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("links", nargs="?", default=str(SHARED / "gold/dev/links.jsonl"))
    ap.add_argument("motions", nargs="?", default=str(SHARED / "corpus/tk_moties_2023_2025/moties.jsonl"))
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--misses", action="store_true", help="print the pairs not at rank 1")
    ap.add_argument("--silver", action="store_true",
                    help="measure on the held-out letter Zaken of corpus/tk_zaken_2008_2025 instead of gold/dev")
    a = ap.parse_args()
    pairs = load(Path(a.links))
    motions = load(Path(a.motions))
    if a.silver:
        pairs = silver_pairs(motions, pairs)
    known = {m["kst_id"].lower() for m in motions if m.get("kst_id")}
    pairs = [p for p in pairs if p["motion_kst_ref"].lower() in known]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "links.db")
        t0 = time.perf_counter()
        ingest(store, docs_like_scorer(pairs, motions), Path(tmp))
        t1 = time.perf_counter()
        stats = link_store(store, incremental=False)
        t2 = time.perf_counter()
        ranked = {o["from"]: o["candidates"] for o in export_links(store, 10)}
        store.close()
    res = score(pairs, ranked)
    base = score(pairs, tfidf_baseline(pairs, motions))
    misses = res.pop("_misses")
    base.pop("_misses")
    out = {"linker": res, "tfidf_baseline": {k: base[k] for k in ("hits@1", "hits@5", "mrr")},
           "seconds": {"ingest": round(t1 - t0, 2), "link": round(t2 - t1, 2)}, "link_stats": stats}
    print(json.dumps(out, indent=1, ensure_ascii=False))
    if a.misses:
        for m in misses:
            print(json.dumps(m, ensure_ascii=False))
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
