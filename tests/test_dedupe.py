"""Deduplication on real documents: seed 000 and 001 are one letter; nothing else merges."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from kamerstukken.parse import parse
from kamerstukken.parse.dedupe import THRESHOLD, find_duplicate, normalise_for_match, same_document, similarity

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "kamerstukken" / "data" / "documents"
FIX = ROOT / "tests" / "fixtures" / "parse"


@pytest.fixture(scope="module")
def parsed():
    return [parse(p.read_bytes(), str(p)) for p in sorted(DOCS.iterdir()) if p.is_file()]


def _dedupe(docs):
    """What ingest does: each new document is compared with the ones kept so far."""
    kept: list = []
    for d in docs:
        dup = find_duplicate(d, [(k.id, k.text) for k in kept])
        if dup is None:
            kept.append(d)
    return kept


def test_bundled_documents_give_seven(parsed):
    assert len(parsed) == 8
    kept = _dedupe(parsed)
    assert len(kept) == 7
    ids = {d.id for d in kept}
    assert "kst-35300-VII-109" in ids and {"kst-35786-7", "kst-36045-299", "kst-28844-269"} <= ids
    assert not any(d.text.startswith("Uw Kamer heeft bij motie") and d.id.startswith("doc-") for d in kept)


def test_order_does_not_matter(parsed):
    forward, backward = _dedupe(parsed), _dedupe(list(reversed(parsed)))
    assert len(backward) == 7
    # the same documents are kept, seed 000 and its PDF text 001 counting as one (whichever comes first stays)
    same = {"kst-35300-VII-109"} | {d.id for d in parsed if d.sources[0].origin.endswith("001_a0b11ba3323ea663.txt")}
    kept = lambda ds: {("seed-000/001" if d.id in same else d.id) for d in ds}   # noqa: E731
    assert kept(forward) == kept(backward)


def test_seed000_and_001_match(parsed):
    d000 = next(d for d in parsed if d.id == "kst-35300-VII-109")
    d001 = next(d for d in parsed if d.sources[0].origin.endswith("001_a0b11ba3323ea663.txt"))
    assert same_document(d000, d001.text) >= 0.98
    assert find_duplicate(d001, [("kst-35300-VII-109", d000.text)]) == "kst-35300-VII-109"
    # the raw seed 001 text (hard-wrapped, hyphenated, with footnotes) still matches after normalisation
    raw001 = next(DOCS.glob("001_*.txt")).read_text(encoding="utf-8")
    assert same_document(d000, raw001) >= THRESHOLD


def test_pdf_and_html_renderings_match(parsed):
    pdf = parse((FIX / "seed001_rendered.pdf").read_bytes(), "x.pdf")
    assert find_duplicate(pdf, [(d.id, d.text) for d in parsed if not d.id.startswith("doc-")]) == "kst-35300-VII-109"
    html = parse((FIX / "kst-28844-269_ob.html").read_bytes(), "x.html")
    assert find_duplicate(html, [(d.id, d.text) for d in parsed]) == "kst-28844-269"


def test_distinct_canonical_ids_never_merge(parsed):
    d000 = next(d for d in parsed if d.id == "kst-35300-VII-109")
    assert find_duplicate(d000, [("kst-35300-VII-110", d000.text)]) is None
    assert same_document(d000, d000.text, b_id="kst-35300-VII-110") == 0.0


def test_threshold_separates_real_documents(parsed):
    """Same-ministry letters (000/003/004 are all BZK, all on medeoverheden), the news item about them and
    three real motions (shared boilerplate) stay well below the threshold."""
    extra = [parse(p.read_bytes(), str(p)) for p in (FIX / "kst-21501-02-3147.xml",)]
    docs = [d for d in parsed if not d.sources[0].origin.endswith("001_a0b11ba3323ea663.txt")] + extra
    norm = [normalise_for_match(d.text) for d in docs]
    worst = max(similarity(norm[i], norm[j]) for i, j in itertools.combinations(range(len(docs)), 2))
    assert worst < 0.8 < THRESHOLD


def test_normalise_for_match():
    assert normalise_for_match("Taakdiffe-\nrentiatie, «op» Van der Molen¹!") == "taakdifferentiatie op van der molen"
    assert normalise_for_match("aansturings- en inrichtingsvraag-\nstukken") == "aansturings en inrichtingsvraagstukken"
    assert normalise_for_match("") == ""
