"""Hostile and broken input for the NLP layer and the JSON Lines readers.

- `find_references(text, footnotes)`: any text, any footnotes -> references whose offsets lie in the text;
- `find_deadlines(text, anchor)` / `resolve_phrase`: any text, any anchor from 0001-01-01 to 9999-12-31,
  impossible dates (31 februari, 0 maart), absurd numbers -> well-formed deadlines (start <= end, ISO dates,
  offsets in the text) or nothing, never an exception;
- `extract_line(line)`: every non-blank line gets one output object; a bad line gets an error object;
- `ingest_jsonl`: every non-blank record is added, merged or reported as an error; the batch never stops.

Texts: real sentences from the test fixtures (tests/fixtures/*/sentences.jsonl, from real kamerstukken),
mutated; phrases assembled from the deadline vocabulary (prepositions, days, months, quarters, numbers, years
- generated, not presented as real text); random unicode (NUL, surrogate escapes, RTL marks, long lines).
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hypothesis import assume, given, strategies as st

from conftest import fuzz_settings
from kamerstukken.nlp.deadlines import find_deadlines, resolve_phrase
from kamerstukken.nlp.extract import extract_line, extract_text
from kamerstukken.nlp.references import find_references

FIX = Path(__file__).parent / "fixtures"
REAL = []
for name in ("deadlines", "commitments", "motions"):
    for line in (FIX / name / "sentences.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            REAL.append(rec.get("sentence") or rec.get("text") or "")
REAL = [s for s in REAL if s]
KINDS = {"by", "in", "after", "within", "vague"}

# ------------------------------------------------------------------------------------------ strategies

PREPS = ["voor", "vóór", "uiterlijk", "uiterlijk op", "uiterlijk in", "nog voor", "in", "na", "direct na", "binnen",
         "rond", "medio", "eind", "begin", "in de loop van", "tot", "vanaf", "per", "op", "nog dit", ""]
CAL = ["{d} {m} {y}", "{d} {m}", "{m} {y}", "het {o} kwartaal van {y}", "Q{q} {y}", "Q{q}-{y}", "de zomer van {y}",
       "het zomerreces", "het kerstreces", "Prinsjesdag {y}", "de Voorjaarsnota", "{y}", "het {o} halfjaar",
       "{n} weken", "{n} maanden", "{n} jaar", "een termijn van {n} dagen", "de komende {n} maanden", "binnenkort",
       "zo spoedig mogelijk", "het najaar", "eind {y}", "{d}-{mn}-{y}", "{y}-{mn}-{d}"]
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december", "Februari", "febr."]
ODD_YEARS = ["0001", "0000", "1900", "2024", "2025", "2099", "9999", "10000", "99999999", "20255", "2O25"]
ODD_NUMS = ["0", "1", "31", "32", "99", "999", "100000000000000000000", "drie", "anderhalve", "een half", "-3"]


@st.composite
def deadline_phrases(draw):
    tmpl = draw(st.sampled_from(CAL))
    phrase = tmpl.format(
        d=draw(st.sampled_from(["0", "1", "15", "29", "30", "31", "32", "99", "1e", "eerste"])),
        m=draw(st.sampled_from(MONTHS)), mn=draw(st.sampled_from(["00", "01", "02", "13", "12"])),
        y=draw(st.sampled_from(ODD_YEARS)), o=draw(st.sampled_from(["eerste", "tweede", "derde", "vierde", "vijfde",
                                                                      "laatste"])),
        q=draw(st.sampled_from(["0", "1", "4", "5", "9"])), n=draw(st.sampled_from(ODD_NUMS)))
    return f"{draw(st.sampled_from(PREPS))} {phrase}".strip()


@st.composite
def sentences(draw):
    """A real sentence, with generated deadline phrases and noise spliced in."""
    s = draw(st.sampled_from(REAL)) if REAL and draw(st.booleans()) else "De minister zal de Kamer informeren."
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(s)))
        piece = draw(st.one_of(deadline_phrases(), st.text(max_size=40),
                               st.sampled_from(["\x00", "\ufeff", "\u202e", "\r\n", "\n\n", " " * 500, "x" * 20000,
                                                "Kamerstuk 35 300 VII, nr. ", "motie-Van der Molen (", "nr. 999999999",
                                                "Handelingen II 2019/20, nr. 45, item 7", "(", "»", "¹"])))
        s = s[:i] + " " + piece + " " + s[i:]
    if draw(st.booleans()) and s:
        cut = draw(st.integers(0, len(s)))
        s = s[:cut]
    return s


ANCHORS = st.one_of(st.none(), st.dates(), st.sampled_from([date(1, 1, 1), date(9999, 12, 31), date(2020, 2, 29)]))


def well_formed_deadline(d, text: str) -> None:
    assert d.kind in KINDS, d
    assert isinstance(d.text, str)
    for v in (d.start, d.end):
        if v is not None:
            date.fromisoformat(v)
    if d.start and d.end:
        assert d.start <= d.end, d
    if d.char_start >= 0:
        assert 0 <= d.char_start <= d.char_end <= len(text), (d, len(text))


# ------------------------------------------------------------------------------------------ tests

@fuzz_settings(300)
@given(sentences(), ANCHORS)
def test_fuzz_find_deadlines(text, anchor):
    for d in find_deadlines(text, anchor):
        well_formed_deadline(d, text)
        assert d.char_start >= 0 and text[d.char_start:d.char_end] == d.text, d   # found in the text: exact span


@fuzz_settings(300)
@given(deadline_phrases(), ANCHORS)
def test_fuzz_resolve_phrase(phrase, anchor):
    d = resolve_phrase(phrase, anchor)
    if d is not None:
        well_formed_deadline(d, phrase)


@fuzz_settings(150)
@given(st.text(max_size=2000), ANCHORS)
def test_fuzz_find_deadlines_random_unicode(text, anchor):
    for d in find_deadlines(text, anchor):
        well_formed_deadline(d, text)
        assert d.char_start >= 0 and text[d.char_start:d.char_end] == d.text, d


def test_impossible_and_extreme_dates_do_not_crash():
    phrases = ["voor 31 februari 2025", "uiterlijk 30 februari", "voor 0 maart 2025", "voor 32 december 2024",
               "voor 29 februari 2023", "vóór 1 januari 0001", "voor 31 december 9999", "binnen 100000000000 jaar",
               "binnen 999999 maanden", "in het vijfde kwartaal van 2025", "Q9 2025", "voor 2025-02-31",
               "voor 0001-01-01", "na het zomerreces van 9999", "eind 10000", "de komende 0 maanden"]
    for anchor in (None, date(1, 1, 1), date(2025, 2, 28), date(9999, 12, 31)):
        for p in phrases:
            d = resolve_phrase(p, anchor)
            if d is not None:
                well_formed_deadline(d, p)
            for d in find_deadlines(f"De minister zal de Kamer {p} informeren.", anchor):
                well_formed_deadline(d, f"De minister zal de Kamer {p} informeren.")


@fuzz_settings(300)
@given(sentences(), st.one_of(st.none(), st.dictionaries(st.text(max_size=4), st.one_of(
    st.text(max_size=200), st.sampled_from(["Kamerstuk 35 300 VII, nr. 20", "Kamerstukken II 2019/20, 35 300 VII, nr. 7",
                                          "Handelingen II 2019/20, nr. 45, item 7", "kst-35300-VII-20"])), max_size=5)))
def test_fuzz_find_references(text, footnotes):
    for r in find_references(text, footnotes):
        assert isinstance(r.id, str) and r.id
        assert r.via in ("text", "footnote")
        if r.via == "text":
            assert 0 <= r.char_start < r.char_end <= len(text), r
        else:
            assert r.char_start == -1 or 0 <= r.char_start <= r.char_end <= len(text), r


# ------------------------------------------------------------------------------------------ extract's JSONL reader

JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
                           lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
                           max_leaves=8)


@st.composite
def input_lines(draw):
    kind = draw(st.sampled_from(["record", "record", "wrong-types", "json", "junk", "truncated"]))
    if kind == "record":
        rec = {"id": draw(st.one_of(st.text(max_size=10), st.integers())), "text": draw(sentences())}
        if draw(st.booleans()):
            rec["anchor_date"] = draw(st.one_of(st.dates().map(str), st.sampled_from(
                ["2025-02-31", "0001-01-01", "9999-12-31", "31 februari", "", "2025", "20250101"])))
        if draw(st.booleans()):
            rec["footnotes"] = draw(st.dictionaries(st.text(max_size=3), st.text(max_size=60), max_size=3))
        return json.dumps(rec, ensure_ascii=draw(st.booleans()))
    if kind == "wrong-types":
        rec = {k: draw(JSON_VALUES) for k in draw(st.sets(st.sampled_from(["id", "text", "anchor_date", "footnotes"])))}
        return json.dumps(rec)
    if kind == "json":
        return json.dumps(draw(JSON_VALUES))
    if kind == "junk":
        return draw(st.text(min_size=1, max_size=200)).replace("\n", " ").replace("\r", " ")
    line = json.dumps({"id": "x", "text": draw(sentences())})
    return line[:draw(st.integers(1, max(1, len(line) - 1)))]


@fuzz_settings(300)
@given(input_lines())
def test_fuzz_extract_line(line):
    assume(line.strip())
    out = extract_line(line)
    assert isinstance(out, dict) and "id" in out
    if "error" in out:
        assert isinstance(out["error"], str) and out["error"] and "\n" not in out["error"]
    else:
        assert set(out) >= {"deadlines", "statements", "motions", "references"}
    json.dumps(out, ensure_ascii=False)   # what the CLI writes


def test_extract_line_bad_lines_get_error_objects():
    cases = {'{"id": 1, "text": "x", "anchor_date": "2025-02-31"}': "anchor_date",
             '{"id": 2, "text": 5}': "no text", '{"id": 3}': "no text", "[1, 2]": "not a JSON object",
             '{"id": 4, "text": "x"': "not JSON", "\x00\x00": "not JSON", "NaN": "not a JSON object",
             '{"id": 5, "text": "y", "footnotes": ["a"]}': "footnotes", '{"id": 6, "text": "y", "footnotes": {"1": 2}}':
             "footnotes"}
    for line, want in cases.items():
        out = extract_line(line)
        assert "error" in out and want in out["error"], (line, out)


# ------------------------------------------------------------------------------------------ ingest's JSONL reader

@st.composite
def ingest_records(draw):
    kind = draw(st.sampled_from(["good", "good", "wrong-types", "json", "junk"]))
    if kind == "good":
        rec = {"id": draw(st.sampled_from(["kst-1-1", "kst-35300-VII-20", "2024D12345", "a", "b"])),
               "kind": draw(st.sampled_from(["letter", "motion", "Letter", "other"])),
               "date": draw(st.one_of(st.dates().map(str), st.sampled_from(["", "0001-01-01", "2020-02-31"]))),
               "title": draw(st.text(max_size=30)), "text": draw(sentences())}
        return json.dumps(rec)
    if kind == "wrong-types":
        base = {"id": "kst-9-9", "kind": "letter", "text": "tekst"}
        for k in draw(st.sets(st.sampled_from(["id", "kind", "date", "title", "text", "source", "dossier",
                                                "ministry"]), min_size=1)):
            base[k] = draw(JSON_VALUES)
        return json.dumps(base)
    if kind == "json":
        return json.dumps(draw(JSON_VALUES))
    return draw(st.text(min_size=1, max_size=80)).replace("\n", " ").replace("\r", " ")


@fuzz_settings(100)
@given(st.lists(ingest_records(), min_size=1, max_size=8))
def test_fuzz_ingest_jsonl(tmp_path_factory, lines):
    from kamerstukken.ingest import ingest_jsonl
    from kamerstukken.store import Store
    path = tmp_path_factory.mktemp("ij") / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(":memory:")
    res = ingest_jsonl(store, path, batch=3)
    n = sum(1 for line in lines if line.strip())
    assert len(res.added) + len(res.merged) + len(res.errors) == n
    for origin, msg in res.errors:
        assert msg and "\n" not in msg
    assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert store.db.execute("select count(*) from documents").fetchone()[0] == len(set(res.added))
    store.close()


def test_extract_text_on_nul_and_long_lines():
    """A 1 MB line without a break, NULs, a lone surrogate, and 2,500 deadlines in one 50 KB line: well-formed
    results (no clock: the work is bounded by the input)."""
    for text in ("\x00" * 10_000, "voor 1 januari 2026 " * 2_500, "a" * 1_000_000, "de minister zegt " * 60_000,
                 "\ud800 voor de zomer"):
        ex = extract_text(text, date(2025, 1, 1))
        for d in ex.deadlines:
            well_formed_deadline(d, text)


# motion mentions in the vocabulary of subject lines (singular and plural, members, Kamerstukken, abbreviations):
# every mention's text is exactly its span in the input
_SUBJECT_WORDS = st.lists(st.sampled_from(
    ["de ", "moties ", "motie ", "gewijzigde ", "van het lid ", "van de leden ", "Jansen ", "Van Dijk ", "Snijder-Hazelhoff ",
     "en ", "over ", "inzake ", "iets ", "(LISD) ", "(Kamerstuk 36600-VII, nr. 45) ", "(Kamerstuk 33 450, nr. 31)", ", ",
     "c.s. ", "  ", "t.v.v. ", "nr. ", "Uitvoering ", "Reactie op "]), max_size=40).map("".join)


@fuzz_settings(300)
@given(_SUBJECT_WORDS)
def test_fuzz_motion_mention_spans(text):
    from kamerstukken.nlp.motions import find_motion_mentions
    for m in find_motion_mentions(text):
        assert text[m.char_start:m.char_end] == m.text
        assert m.ref is None or m.ref.startswith("kst-")
