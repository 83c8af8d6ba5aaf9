"""Guard for speed work on the NLP layer: extract_text over a large fixed set of real texts must give
IDENTICAL outputs before and after a change.

    python bench/check_same_outputs.py --write   # take the snapshot (bench/.cache/nlp_outputs_snapshot.json)
    python bench/check_same_outputs.py --check   # compare with it; prints every difference, exit 1 if any
    python bench/check_same_outputs.py --time    # CPU time per extractor over the letter excerpts (joined ×4)
    python bench/check_same_outputs.py --audit-fold  # proves the lower-cased-text twins of re.I patterns exact

Texts (all real): the 80 letter excerpts, the Handelingen 2018 sample (text of every <al> element, one text
per file), the seeds in kamerstukken/data/documents (parsed as ingest does), 2,000 motion texts of
moties.jsonl, every gold/dev sentence with its anchor date (and footnotes where given), the onderwerp of
every gold link, and every text of models/statements/data/train.jsonl. Every field of the Extractions
(dataclasses.asdict) is compared, including the motion record.
"""
from __future__ import annotations

import argparse
import dataclasses
import html
import json
import re
import sys
import time
from datetime import date
from pathlib import Path

from benchlib import ROOT, SHARED

SNAPSHOT = ROOT / "bench" / ".cache" / "nlp_outputs_snapshot.json"
N_MOTIONS = 2000


def _d(s):
    try:
        return date.fromisoformat(str(s)[:10]) if s else None
    except ValueError:
        return None


def _jsonl(path: Path):
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


_TAG = re.compile(r"<[^>]+>")
_AL = re.compile(r"<al\b[^>]*>(.*?)</al>", re.S)


def _al_text(xml: str) -> str:
    paras = []
    for m in _AL.finditer(xml):
        t = html.unescape(_TAG.sub("", m.group(1)))
        t = " ".join(t.split())
        if t:
            paras.append(t)
    return "\n\n".join(paras)


def inputs() -> list[tuple[str, str, date | None, dict | None]]:
    """(key, text, anchor, footnotes) in a fixed order."""
    out = []
    for i, r in enumerate(_jsonl(SHARED / "corpus/letter_excerpts/letters.jsonl")):
        out.append((f"letter:{i}:{r.get('kst_id')}", r["text"], _d(r.get("date")), None))
    for p in sorted((SHARED / "corpus/tk_handelingen_2018_sample").glob("*.xml")):
        out.append((f"handelingen:{p.name}", _al_text(p.read_text(encoding="utf-8-sig")), date(2018, 4, 5), None))
    from kamerstukken.parse import parse
    for p in sorted((ROOT / "kamerstukken/data/documents").iterdir()):
        if p.is_file():
            doc = parse(p.read_bytes(), str(p))
            out.append((f"seed:{p.name}", doc.text, doc.anchor_date, None))
    for i, r in enumerate(_jsonl(SHARED / "corpus/tk_moties_2023_2025/moties.jsonl")):
        if i >= N_MOTIONS:
            break
        out.append((f"motion:{i}:{r.get('kst_id')}", r.get("tekst") or "", _d(r.get("datum")), None))
    for name in ("commitments", "deadlines", "motion_refs"):
        for r in _jsonl(SHARED / f"gold/dev/{name}.jsonl"):
            out.append((f"gold:{name}:{r['id']}", r["sentence"], _d(r.get("anchor_date")), r.get("footnotes") or None))
    for i, r in enumerate(_jsonl(SHARED / "gold/dev/links.jsonl")):
        out.append((f"gold:links:{i}", r.get("letter_onderwerp") or "", _d(r.get("letter_datum")), None))
    for i, r in enumerate(_jsonl(ROOT / "models/statements/data/train.jsonl")):
        out.append((f"train:{i}", r["text"], None, None))
    return out


def _plain(ex) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(ex), default=str, ensure_ascii=False))


def run() -> dict:
    from kamerstukken.nlp.extract import extract_text
    res = {}
    for key, text, anchor, fns in inputs():
        try:
            res[key] = _plain(extract_text(text, anchor, fns))
        except Exception as exc:  # an exception is an output too
            res[key] = {"error": f"{type(exc).__name__}: {exc}"}
    return res


def _diff(path: str, a, b, out: list):
    if type(a) is not type(b):
        out.append(f"{path}: {a!r} != {b!r}")
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: {a.get(k, '<missing>')!r} != {b.get(k, '<missing>')!r}")
            else:
                _diff(f"{path}.{k}", a[k], b[k], out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items != {len(b)} items\n  before: {a!r}\n  after:  {b!r}")
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                _diff(f"{path}[{i}]", x, y, out)
    elif a != b:
        out.append(f"{path}: {a!r} != {b!r}")


def timing(rounds: int = 3) -> None:
    """CPU time (best of `rounds`) per extractor and for extract_text over the 80 letter excerpts joined ×4,
    and the spaCy blank("nl") tokenizer on the same text."""
    import spacy
    from kamerstukken.nlp import commitments, deadlines, motions, references
    from kamerstukken.nlp.extract import extract_text
    texts = [r["text"] for r in _jsonl(SHARED / "corpus/letter_excerpts/letters.jsonl")]
    text = "\n\n".join(texts * 4)
    anchor = date(2024, 1, 1)
    nlp = spacy.blank("nl")
    nlp.max_length = 10 ** 8
    extract_text(text[:20000], anchor)  # load models lazily, outside the timing
    jobs = [("tokenizer", lambda: nlp.tokenizer(text)),
            ("references", lambda: references.find_references(text)),
            ("motions", lambda: motions.find_motion_mentions(text)),
            ("deadlines", lambda: deadlines.find_deadlines(text, anchor)),
            ("statements", lambda: commitments.find_statements(text, anchor)),
            ("extract_text", lambda: extract_text(text, anchor))]
    best = {}
    caches = [getattr(references, "_scan_cached", None)]  # per-text memo: cleared so no call reuses a previous one
    for _ in range(rounds):
        for name, fn in jobs:
            for c in caches:
                if c is not None:
                    c.cache_clear()
            t0 = time.process_time()
            fn()
            best[name] = min(best.get(name, 1e9), time.process_time() - t0)
    print(f"text: {len(text.encode('utf-8')) / 1e6:.2f} MB (80 letter excerpts joined ×4); CPU s, best of {rounds}")
    for name, _ in jobs:
        print(f"  {name:13s} {best[name]:.3f} s")
    print(f"  extract_text ÷ tokenizer speed: {best['tokenizer'] / best['extract_text']:.2f}×")


def _atoms(rx: re.Pattern) -> set[str]:
    """The one-character atoms of a compiled pattern, as regex sources (zero-width atoms: \\w for \\b, else none)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import sre_constants as C
        import sre_parse
    cat = {C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W", C.CATEGORY_SPACE: r"\s",
           C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D"}
    out: set[str] = set()

    def cls(items) -> str:
        parts, neg = [], ""
        for op, av in items:
            if op is C.NEGATE:
                neg = "^"
            elif op is C.LITERAL:
                parts.append(re.escape(chr(av)))
            elif op is C.RANGE:
                parts.append(re.escape(chr(av[0])) + "-" + re.escape(chr(av[1])))
            elif op is C.CATEGORY:
                parts.append(cat[av])
            else:
                raise ValueError(f"unexpected class item {op}")
        return "[" + neg + "".join(parts) + "]"

    def walk(items):
        for op, av in items:
            if op is C.LITERAL:
                out.add(re.escape(chr(av)))
            elif op is C.NOT_LITERAL:
                out.add("[^" + re.escape(chr(av)) + "]")
            elif op is C.IN:
                out.add(cls(av))
            elif op is C.ANY:
                out.add("(?s:.)" if rx.flags & re.S else ".")
            elif op is C.AT:
                if av in (C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
                    out.add(r"\w")
                elif av not in (C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_END, C.AT_END_STRING):
                    raise ValueError(f"unexpected position {av}")
            elif op is C.SUBPATTERN:
                if av[1] or av[2]:
                    raise ValueError("inline flags")
                walk(av[3])
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                walk(av[2])
            elif op is C.BRANCH:
                for b in av[1]:
                    walk(b)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                walk(av[1])
            elif op is C.ATOMIC_GROUP:
                walk(av)
            else:
                raise ValueError(f"unexpected op {op}")
    walk(sre_parse.parse(rx.pattern, rx.flags).data)
    out.add("\n")  # $ looks at newlines
    return out


def audit_fold() -> int:
    """The speed-ups that run a re.I pattern case-sensitively on str.lower() of the text (commitments rules and
    prefilter, the deadline trigger and search) are exact only if every atom of those patterns accepts a character c under
    re.I exactly when it accepts c.lower() without re.I, for every code point but İ, ı, ſ (texts holding those
    run the re.I pattern). Checks that over all code points."""
    from kamerstukken.nlp import commitments, deadlines
    pats = list(commitments.RULES.values()) + [commitments.PREFILTER, deadlines.TRIGGER]
    # deadlines._SEARCH_LOW is _SEARCH with "Q" written "q" (the same pattern under re.I): its atoms are checked
    low_search = getattr(deadlines, "_SEARCH_LOW", None)
    if low_search is not None:
        assert low_search.pattern.lower() == deadlines._SEARCH.pattern.lower()
        pats.append(re.compile(low_search.pattern, deadlines._SEARCH.flags))
    atoms: set[str] = set()
    for p in pats:
        atoms |= _atoms(p)
    excl = {0x130, 0x131, 0x17F}
    chars = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000 and i not in excl)
    low = "".join(c.lower() for c in chars)
    bad = 0
    if len(low) != len(chars):
        print("str.lower changes the length of some character")
        bad += 1
    for a in sorted(atoms):
        x = {m.start() for m in re.compile(a, re.I).finditer(chars)}
        y = {m.start() for m in re.compile(a).finditer(low)}
        if x != y:
            bad += 1
            print("atom", repr(a), "differs at", [hex(ord(chars[i])) for i in sorted(x ^ y)][:10])
    print(f"{len(pats)} patterns, {len(atoms)} atoms, {bad} not equivalent")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", action="store_true")
    g.add_argument("--check", action="store_true")
    g.add_argument("--time", action="store_true")
    g.add_argument("--audit-fold", action="store_true")
    a = ap.parse_args()
    if a.audit_fold:
        return audit_fold()
    if a.time:
        timing()
        return 0
    t0 = time.perf_counter()
    res = run()
    secs = time.perf_counter() - t0
    if a.write:
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(json.dumps(res, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        print(f"wrote {SNAPSHOT} ({len(res)} texts, {secs:.1f} s)")
        return 0
    old = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    diffs: list[str] = []
    _diff("", old, res, diffs)
    for d in diffs:
        print(d)
    n_out = sum(len(v.get(k) or []) for v in res.values() for k in ("references", "motions", "deadlines", "statements"))
    print(f"{len(res)} texts, {n_out} extractions, {len(diffs)} differences ({secs:.1f} s)")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
