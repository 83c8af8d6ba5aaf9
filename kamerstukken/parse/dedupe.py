"""Is this the same document as one we already have? (e.g. seed 000, the official HTML text of
kst-35300-VII-109, and seed 001, the PDF text of the same letter without its heading block).

Method
------
1. `normalise_for_match`: lower case, NFKC, end-of-line hyphenation joined, every other hyphen, punctuation,
   superscript marks and digits glued to words (footnote marks) removed, whitespace collapsed. Two renderings of
   one letter then differ only in real wording ("aansturing" vs "aansturings") and in what each rendering
   includes (heading block, footnotes, signature).
2. `same_document` compares the first `HEAD` (3,000) characters of both normalised texts:
   * ``fuzz.partial_ratio`` of the shorter head against the longer head: tolerant to one text having extra
     material at the start or end (a heading block, a title line), strict about the body wording;
   * ``fuzz.token_set_ratio`` on the same heads: order-insensitive vocabulary overlap, guards against a
     chance alignment of a short common passage;
   * a length factor: texts whose normalised lengths differ by more than a factor 2 are penalised
     linearly (a one-paragraph news item quoting a letter is not that letter).
   The score is ``min(partial, token_set) * length_factor`` in [0, 1].
3. `find_duplicate` returns the best candidate scoring at least `THRESHOLD` (0.90). Two documents that both
   carry canonical kst ids which differ are never merged.

Threshold: seed 000 vs seed 001 score 0.99; the highest score between two different documents among the
seeds, the three kst XMLs and 164 real motions (many on the same dossier, all sharing the motion boilerplate)
is 0.78 (two motions; measured with tests/test_dedupe.py::test_threshold_separates_real_documents, which
asserts < 0.80), so 0.90 leaves a margin on both sides. `token_set_ratio` is computed first and
`partial_ratio` (quadratic) only when the former is already >= 0.8.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Optional

from rapidfuzz import fuzz

from ..models import Document

HEAD = 3000
THRESHOLD = 0.90

_HYPH_BREAK_RE = re.compile(r"(?<=[^\W\d_])-\s*\n\s*(?=[a-zà-ÿ])")
_SUP_RE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹\ue000\ue001]")
_GLUED_MARK_RE = re.compile(r"(?<=[^\W\d_])\d{1,2}\b")
_NONWORD_RE = re.compile(r"[^\w]+")
_US_RE = re.compile(r"_+")


def normalise_for_match(text: str) -> str:
    t = unicodedata.normalize("NFKC", _SUP_RE.sub("", text or ""))
    t = _HYPH_BREAK_RE.sub("", t)
    t = t.lower()
    t = t.replace("-", "")
    t = _GLUED_MARK_RE.sub("", t)
    t = _NONWORD_RE.sub(" ", t)
    t = _US_RE.sub(" ", t)
    return " ".join(t.split())


def _canonical(i: Optional[str]) -> bool:
    return bool(i) and not i.startswith("doc-")


def similarity(na: str, nb: str, head: int = HEAD) -> float:
    """Score two already normalised texts."""
    if not na or not nb:
        return 0.0
    la, lb = len(na), len(nb)
    ratio = min(la, lb) / max(la, lb)
    length_factor = 1.0 if ratio >= 0.5 else ratio / 0.5
    ha, hb = na[:head], nb[:head]
    short, long_ = (ha, hb) if len(ha) <= len(hb) else (hb, ha)
    tokens = fuzz.token_set_ratio(ha, hb) / 100.0
    if tokens * length_factor < 0.8:  # cheap test first: partial_ratio is quadratic
        return tokens * length_factor
    partial = fuzz.partial_ratio(short, long_) / 100.0
    return min(partial, tokens) * length_factor


def same_document(a: Document, b_text: str, *, b_id: Optional[str] = None, head: int = HEAD) -> float:
    """Similarity in [0, 1] of document `a` and another document's text (raw or normalised)."""
    if b_id and _canonical(a.id) and _canonical(b_id) and a.id != b_id:
        return 0.0
    return similarity(normalise_for_match(a.text), normalise_for_match(b_text), head)


def find_duplicate(doc: Document, candidates: Iterable[tuple[str, str]],
                   threshold: float = THRESHOLD) -> Optional[str]:
    """Id of the candidate (id, text) that is the same document as `doc`, or None."""
    na = normalise_for_match(doc.text)
    best, best_id = 0.0, None
    for cid, ctext in candidates:
        if cid == doc.id:
            return cid
        if _canonical(doc.id) and _canonical(cid):
            continue
        nb = normalise_for_match(ctext)
        if not nb or min(len(na), len(nb)) / max(len(na), len(nb), 1) < 0.25:
            continue
        s = similarity(na, nb)
        if s > best:
            best, best_id = s, cid
    return best_id if best >= threshold else None
