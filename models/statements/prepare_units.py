"""Cut the real corpus into sentence units for labelling (commitment / fulfilment / none).

usage: python models/statements/prepare_units.py [SHARED_DIR] [--chunks N]

SHARED_DIR is the folder beside the project that holds `corpus/` and `gold/dev/` (default: ../shared from the
project root). Writes `data/units.jsonl` (one sentence a line, with its document id and where it came from) and
`data/batches/batch-K.txt` (the same units grouped by passage, numbered, for the labellers to read in order).
Deterministic: the same corpus gives the same units and ids.

Sources (all real text; see data/README.md):
- corpus/training_pool/passages.jsonl: every sentence of every passage;
- corpus/letter_excerpts/letters.jsonl: every sentence of the letter openings;
- letter subject lines (corpus/tk_zaken_2008_2025 letter Zaken that mention a motie or toezegging): a seeded
  sample, each subject its own document, every subject of gold/dev/links.jsonl left out;
- motion texts (corpus/tk_moties_2023_2025): a seeded sample of sentences, hard negatives by the guide.
Documents that gold/dev uses (matched on the `source` of its items) are left out everywhere.
"""
from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from kamerstukken.nlp.sentences import split_sentences  # noqa: E402

N_SUBJECTS = 450
N_MOTION_SENTENCES = 150
_MOTION_PART = re.compile(r"\b(overwegende|constaterende|verzoekt|van mening|spreekt uit|draagt .* op)\b", re.I)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_documents(shared: Path) -> tuple[set[str], set[str]]:
    """Document ids and subject lines that gold/dev uses: kept out of training."""
    docs: set[str] = set()
    subjects: set[str] = set()
    for name in ("commitments", "deadlines", "motion_refs"):
        for row in _jsonl(shared / "gold" / "dev" / f"{name}.jsonl"):
            src = row.get("source", "")
            docs.update(re.findall(r"\b(?:kst|h-tk|h-ek|ah-tk)-[0-9A-Za-z-]+", src))
            docs.update(re.findall(r"\b20\d\dD\d{5}\b", src))
            for url in re.findall(r"https?://\S+", src):
                docs.add(url.rstrip(").,"))
    for row in _jsonl(shared / "gold" / "dev" / "links.jsonl"):
        subjects.add(row["letter_onderwerp"].strip())
        subjects.add(row["onderwerp_masked"].strip())
    return docs, subjects


def _in_gold(doc: str, source: str, gold_docs: set[str]) -> bool:
    if doc in gold_docs:
        return True
    return any(g and (g in source or source in g) for g in gold_docs if g.startswith("http")) if source else False


def _sentences(text: str) -> list[str]:
    return [text[s:e].strip() for s, e in split_sentences(text) if text[s:e].strip()]


def build(shared: Path) -> list[dict]:
    gold_docs, gold_subjects = gold_documents(shared)
    units: list[dict] = []

    def add(doc, kind, origin, passage, sentences, date=None):
        for i, s in enumerate(sentences):
            units.append({"uid": f"U{len(units) + 1:05d}", "doc": doc, "kind": kind, "origin": origin,
                          "passage": passage, "pos": i, "date": date, "text": s})

    for p in _jsonl(shared / "corpus" / "training_pool" / "passages.jsonl"):
        if _in_gold(p["doc"], p.get("source", ""), gold_docs):
            continue
        add(p["doc"], p["kind"], "pool", p["id"], _sentences(p["text"]), p.get("date"))

    for i, letter in enumerate(_jsonl(shared / "corpus" / "letter_excerpts" / "letters.jsonl")):
        doc = letter.get("kst_id") or letter["source"]
        if _in_gold(doc, letter.get("source", ""), gold_docs):
            continue
        text = re.sub(r"\s*\n\s*", "\n", letter["text"])
        sents = [s for block in text.split("\n") for s in _sentences(block)]
        add(doc, "letter", "excerpt", f"E{i + 1:03d}", sents, letter.get("date"))

    rng = random.Random(20261203)
    with open(shared / "corpus" / "tk_zaken_2008_2025" / "zaak_brieven_regering_over_motie_of_toezegging_2008_2025.csv",
              encoding="utf-8") as fh:
        zaken = [z for z in csv.DictReader(fh) if z["Onderwerp"].strip() and z["Onderwerp"].strip() not in gold_subjects]
    seen: set[str] = set()
    subjects = []
    for z in rng.sample(zaken, len(zaken)):
        key = z["Onderwerp"].strip().lower()
        if key in seen:
            continue
        seen.add(key)
        subjects.append(z)
        if len(subjects) == N_SUBJECTS:
            break
    for z in sorted(subjects, key=lambda z: z["Nummer"]):
        add(f"zaak-{z['Nummer']}", "subject", "subject", z["Nummer"], [z["Onderwerp"].strip()], z["GestartOp"][:10])

    motions = _jsonl(shared / "corpus" / "tk_moties_2023_2025" / "moties.jsonl")
    picked = 0
    for m in rng.sample(motions, len(motions)):
        text = m.get("tekst") or ""
        sents = [s for s in _sentences(text) if len(s) > 40 and _MOTION_PART.search(s)]
        if not sents:
            continue
        s = rng.choice(sents)
        add(m["kst_id"], "motion", "motion", m["kst_id"], [s], m.get("datum"))
        picked += 1
        if picked == N_MOTION_SENTENCES:
            break

    # seed 004: a whole letter (PDF text) that gold/dev does not use (added last: earlier ids stay)
    from kamerstukken.parse import parse
    seed = shared / "corpus" / "seeds" / "004_ef7e409c40d2d7de.txt"
    doc = parse(seed.read_bytes(), seed.name)
    for k, para in enumerate(doc.paragraphs):
        add("seed-004", "letter", "seed", f"S004-{k + 1:03d}", _sentences(doc.text[para.start:para.end]))
    return units


def write_batches(units: list[dict], out: Path, chunks: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    passages: dict[str, list[dict]] = {}
    for u in units:
        passages.setdefault(u["passage"] + "|" + u["doc"], []).append(u)
    groups = list(passages.values())
    per = -(-len(units) // chunks)
    k, size, buf = 1, 0, []
    for g in groups:
        buf.append(g)
        size += len(g)
        if size >= per and k < chunks:
            _write(out / f"batch-{k}.txt", buf)
            k, size, buf = k + 1, 0, []
    if buf:
        _write(out / f"batch-{k}.txt", buf)


def _write(path: Path, groups: list[list[dict]]) -> None:
    lines = []
    for g in groups:
        u = g[0]
        lines.append(f"=== passage {u['passage']} | doc {u['doc']} | kind {u['kind']} | date {u['date']}")
        for x in g:
            lines.append(f"[{x['uid']}] {x['text']}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    argv = sys.argv[1:]
    chunks = 2
    if "--chunks" in argv:
        i = argv.index("--chunks")
        chunks = int(argv[i + 1])
        del argv[i:i + 2]
    shared = Path(argv[0]) if argv else ROOT.parent / "shared"
    units = build(shared)
    data = HERE / "data"
    with open(data / "units.jsonl", "w", encoding="utf-8") as fh:
        for u in units:
            fh.write(json.dumps(u, ensure_ascii=False) + "\n")
    write_batches(units, data / "batches", chunks)
    docs = {u["doc"] for u in units}
    print(f"{len(units)} units from {len(docs)} documents; batches in {data / 'batches'}")


if __name__ == "__main__":
    main()
