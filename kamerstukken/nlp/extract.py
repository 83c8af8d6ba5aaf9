"""The extraction stage: one function over a text (or a Document) that runs every extractor.

`extract_text` is what `kamerstukken extract` calls per input line; `extract_document` is what
`extract --all` calls per stored document (footnote marks are not in a stored body: each footnote carries
the offset it belongs to, and references in it are attached there).
"""
from __future__ import annotations

import json
import os
import re
from bisect import bisect_left, bisect_right
from datetime import date
from typing import Iterable, Iterator, Optional

from ..models import Deadline, Document, Extractions, MotionMention, MotionRecord, Reference, Statement
from .commitments import find_statements
from .deadlines import find_deadlines
from .motions import find_motion_mentions, parse_motion_text
from .references import find_references

_SENT_END = re.compile(r"[.!?»](?=\s)|\n\n")


# The per-document budget of the NLP stage: the first NLP_MAX_CHARS characters of a text are read (a 200 MB
# "document" is not a parliamentary text; its tail is reported, not silently dropped: see `over_budget`).
NLP_MAX_CHARS = int(os.environ.get("KAMERSTUKKEN_NLP_MAX_CHARS") or 5_000_000)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(value) -> date:
    """`YYYY-MM-DD` and nothing else (no 20240101, 2024-W01-1 or times); ValueError otherwise."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(f"not a date in the form YYYY-MM-DD: {str(value)[:40]!r}")
    return date.fromisoformat(value)


def over_budget(text: str) -> bool:
    return len(text) > NLP_MAX_CHARS


def _attach_deadlines(statements: list[Statement], deadlines: list[Deadline]) -> None:
    """Each statement gets the deadlines inside it. Sorted once, then a binary search per statement: the work
    is n log n plus what is attached (was statements x deadlines: 86 s on a 4 MB text)."""
    order = sorted(deadlines, key=lambda d: d.char_start)
    starts = [d.char_start for d in order]
    for st in statements:
        i = bisect_left(starts, st.char_start)
        found = []
        while i < len(order) and order[i].char_start < st.char_end:
            if order[i].char_end <= st.char_end:
                found.append(order[i])
            i += 1
        st.deadlines = found


def extract_text(text: str, anchor: Optional[date] = None, footnotes: Optional[dict[str, str]] = None,
                 kind: Optional[str] = None) -> Extractions:
    """Everything the NLP layer finds in one text. Pure: no I/O."""
    text = text or ""
    ex = Extractions()
    ex.references = find_references(text, footnotes or None)
    ex.motions = find_motion_mentions(text, footnotes or None)
    ex.deadlines = find_deadlines(text, anchor)
    is_motion = kind == "motion" or (kind is None and _looks_like_motion(text))
    # a whole motion (dictum and "gaat over tot de orde van de dag") is the Kamer's request: it holds no government
    # commitment or fulfilment, as in extract_document; its sentences alone still go to the statement model
    ex.statements = [] if is_motion else find_statements(text, anchor)
    _attach_deadlines(ex.statements, ex.deadlines)
    if is_motion:
        ex.motion_record = _motion_record(text, None, None, anchor)
    return ex


def _looks_like_motion(text: str) -> bool:
    return bool(re.search(r"\bverzoekt\s+(de\s+regering|het\s+kabinet|de\s+minister|de\s+staatssecretaris)", text)) \
        and "gaat over tot de orde van de dag" in text


def _motion_record(text: str, title: Optional[str], doc_id: Optional[str], anchor: Optional[date]) -> MotionRecord:
    rec = parse_motion_text(text, title=title, id=doc_id)
    dls: list[Deadline] = []
    for dictum in rec.dicta:
        i = text.find(dictum)
        for d in find_deadlines(dictum, anchor):
            if i >= 0:
                d.char_start += i
                d.char_end += i
            dls.append(d)
    rec.deadlines = dls
    return rec


ANAPHOR_WINDOW = 800  # characters back to look for the motion "deze motie" points at


def _surnames(names: list[str]) -> frozenset[str]:
    return frozenset(n.lower().split()[-1] for n in names if n.strip())


def _resolve_mentions(mentions: list[MotionMention]) -> None:
    """Document-level coreference: within one document, a mention naming the same submitters as a mention
    with a reference shares that reference, and an anaphor ("deze motie", "de motie") takes the submitters
    and reference of the nearest named motion before it. So "Bij deze informeer ik u over de uitvoering van
    deze motie … als afgedaan" declares the Van der Molen motion of the previous sentence done."""
    by_names = {}
    for m in mentions:
        if m.ref and m.submitters:
            by_names.setdefault(_surnames(m.submitters), m.ref)
    for m in mentions:
        if not m.ref and m.submitters:
            m.ref = by_names.get(_surnames(m.submitters))
    named = [m for m in mentions if m.submitters or m.ref]
    for m in mentions:
        if m.submitters or m.ref or m.char_start < 0:
            continue
        before = [n for n in named if n.char_end <= m.char_start and m.char_start - n.char_end <= ANAPHOR_WINDOW]
        if before:
            ante = before[-1]
            m.ref, m.submitters = ante.ref, list(ante.submitters)


def _footnote_refs(doc: Document) -> dict[str, list[Reference]]:
    out: dict[str, list[Reference]] = {}
    for fn in doc.footnotes:
        refs = find_references(fn.text)
        pos = fn.position if fn.position is not None else -1
        out[fn.mark] = [Reference(r.text, r.id, pos, pos, "footnote") for r in refs]
    return out


def _government_only(statements: list[Statement], paragraphs) -> list[Statement]:
    """In a debate (Handelingen, speaker turns kept by the parser) only a member of the government commits or
    fulfils: a statement inside a member's or the chair's turn is dropped, whatever its words."""
    others = [(p.start, p.end) for p in paragraphs if p.kind in ("speech-member", "speech-chair")]
    if not others:
        return statements
    starts = [a for a, _ in others]     # paragraphs come in text order: one binary search per statement

    def in_other(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < others[i][1]
    return [s for s in statements if not in_other(s.char_start)]


def extract_document(doc: Document, anchor: Optional[date] = None) -> Extractions:
    anchor = anchor or doc.anchor_date
    text = (doc.text or "")[:NLP_MAX_CHARS]   # the budget: `extract_all` reports a document cut here
    ex = Extractions(doc_id=doc.id)
    ex.references = find_references(text)
    fn_refs = _footnote_refs(doc)
    for refs in fn_refs.values():
        ex.references.extend(refs)
    for r in doc.meta.get("extrefs", []) if isinstance(doc.meta.get("extrefs"), list) else []:
        rid = r if isinstance(r, str) else r.get("doc")
        if rid and not any(x.id == rid for x in ex.references):
            ex.references.append(Reference(rid, rid, -1, -1, "extref"))
    ex.motions = find_motion_mentions(text)
    # A motion mention takes the reference of the footnote whose mark stands in the same sentence after it.
    marks = sorted(((fn.position, fn.mark) for fn in doc.footnotes if fn.position is not None), key=lambda x: x[0])
    for m in ex.motions:
        if m.ref:
            continue
        end = _SENT_END.search(text, m.char_end)
        limit = end.end() if end else len(text)
        for pos, mark in marks:
            if m.char_start <= pos <= limit:
                kst = [r.id for r in fn_refs.get(mark, []) if r.id.startswith("kst-")]
                if kst:
                    m.ref = kst[0]
                    break
    _resolve_mentions(ex.motions)
    # Title-only documents (letters known by subject line): the title is the text to read.
    if not text.strip() and doc.title:
        ex.references = find_references(doc.title)
        ex.motions = find_motion_mentions(doc.title)
        for r in ex.references + ex.motions:
            r.char_start = r.char_end = -1
    ex.deadlines = find_deadlines(text, anchor)
    # A motion is the Kamer's request: it holds no government commitment or fulfilment (its dicta are
    # read by parse_motion_text below), so the statement classifier is not run over it.
    ex.statements = [] if doc.kind == "motion" else _government_only(find_statements(text, anchor), doc.paragraphs)
    _attach_deadlines(ex.statements, ex.deadlines)
    if doc.kind == "motion":
        ex.motion_record = _motion_record(text, doc.title, doc.id, anchor)
    return ex


# ------------------------------------------------------------------------------- JSON Lines interface

def extraction_to_json(line_id, ex: Extractions) -> dict:
    return {
        "id": line_id,
        "deadlines": [d.to_json() for d in ex.deadlines],
        "statements": [{"type": s.type, "text": s.text, "char_start": s.char_start, "char_end": s.char_end,
                        "actor": s.actor, "action": s.action, "topic": s.topic, "member": s.member,
                        "points_to": s.points_to, "deadlines": [d.to_json() for d in s.deadlines]}
                       for s in ex.statements],
        "motions": [{"text": m.text, "ref": m.ref, "submitters": m.submitters, "declared_done": m.declared_done,
                     "request": m.request, "char_start": m.char_start, "char_end": m.char_end} for m in ex.motions],
        "references": [{"text": r.text, "id": r.id, "char_start": r.char_start, "char_end": r.char_end,
                        "via": r.via} for r in ex.references],
    }


def extract_line(line: str) -> Optional[dict]:
    """One input line of `kamerstukken extract` → one output object (an error object for a bad line)."""
    if not line.strip():
        return None
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:   # undecodable bytes, read with errors="surrogateescape"
        return {"id": None, "error": "line is not valid UTF-8"}
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"not JSON: {exc.msg} at column {exc.colno}"}
    except RecursionError:
        return {"id": None, "error": "not JSON this reader accepts: nested too deeply"}
    if not _valid_unicode(rec):
        return {"id": _safe_id(rec), "error": "the line holds a lone surrogate (\\ud800-\\udfff): not valid Unicode"}
    if not isinstance(rec, dict):
        return {"id": None, "error": "line is not a JSON object"}
    line_id = rec.get("id")
    text = rec.get("text")
    if not isinstance(text, str) or not text:
        return {"id": line_id, "error": "no text"}
    if over_budget(text):
        return {"id": line_id, "error": f"text of {len(text):,} characters is over the NLP budget of "
                                        f"{NLP_MAX_CHARS:,} (KAMERSTUKKEN_NLP_MAX_CHARS)"}
    anchor = None
    if rec.get("anchor_date") not in (None, ""):
        try:
            anchor = parse_iso_date(rec["anchor_date"])
        except ValueError:
            return {"id": line_id, "error": f"bad anchor_date {str(rec['anchor_date'])[:40]!r} (want YYYY-MM-DD)"}
    footnotes = rec.get("footnotes") or None
    if footnotes is not None and not (isinstance(footnotes, dict)
                                      and all(isinstance(v, str) for v in footnotes.values())):
        return {"id": line_id, "error": "footnotes must map marks to texts"}
    try:
        ex = extract_text(text, anchor, footnotes)
    except Exception as exc:  # one bad text must not end the run
        return {"id": line_id, "error": f"extraction failed: {type(exc).__name__}: {exc}"}
    return extraction_to_json(line_id, ex)


def _valid_unicode(obj, depth: int = 0) -> bool:
    """No lone surrogates anywhere (they cannot be written as UTF-8)."""
    if isinstance(obj, str):
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if depth > 50:
        return True
    if isinstance(obj, dict):
        return all(_valid_unicode(k, depth + 1) and _valid_unicode(v, depth + 1) for k, v in obj.items())
    if isinstance(obj, list):
        return all(_valid_unicode(v, depth + 1) for v in obj)
    return True


def _safe_id(rec):
    rid = rec.get("id") if isinstance(rec, dict) else None
    return rid if _valid_unicode(rid) and not isinstance(rid, (dict, list)) else None


def extract_lines(lines: Iterable[str]) -> Iterator[dict]:
    for line in lines:
        out = extract_line(line)
        if out is not None:
            yield out
