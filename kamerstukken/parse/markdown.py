"""Markdown converted from a PDF letter (seed 003) → blocks.

Shape handled: a departmental letter-head (``> Retouradres``, address, ``**Onze referentie**`` …, ``Datum …``,
``Betreft …``), body paragraphs, ``<sup>N</sup>`` footnote marks, pages separated by ``---`` with the page's
footnotes (``<sup>N</sup> text``) under the separator and the running head (``**Datum**`` / date,
``**Onze referentie**`` / number) repeated on every following page. Running heads and separators are dropped;
a paragraph cut by a page break is rejoined (no sentence end before, lower case after)."""
from __future__ import annotations

import re

from .common import CLOSING_RE, FURNITURE_RE, MARK_CLOSE, MARK_OPEN, Block, Parsed, one_line
from .pdftext import _TERMINAL, join_lines, rejoin

_SUP_RE = re.compile(r"\s*<sup>\s*([^<]{1,4}?)\s*</sup>", re.I)
_FN_DEF_RE = re.compile(r"^(?:<sup>\s*([^<]{1,4}?)\s*</sup>|\[\^(\w+)\]:)\s*(.+)$", re.I | re.S)
_FN_REF_RE = re.compile(r"\[\^(\w+)\]")
_HR_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_LIST_RE = re.compile(r"^\s*(?:[-*+]\s+|\d{1,2}[.)]\s+)")
_HEADING_RE = re.compile(r"^#{1,6}\s+")
_BLANKS_RE = re.compile(r"\n[ \t]*\n+")
_TAG_RE = re.compile(r"</?(?:b|i|em|strong|u|span|br)\b[^>]*>", re.I)
_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def _inline(s: str) -> str:
    s = _SUP_RE.sub(lambda m: MARK_OPEN + m.group(1) + MARK_CLOSE, s)
    s = _FN_REF_RE.sub(lambda m: MARK_OPEN + m.group(1) + MARK_CLOSE, s)
    s = _LINK_RE.sub(r"\1", s)
    s = _TAG_RE.sub("", s)
    s = s.replace("**", "").replace("__", "")
    s = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])", r"\1", s)
    return s


def parse_text(text: str) -> Parsed:
    chunks = [c for c in _BLANKS_RE.split(text.strip("\n")) if c.strip()]
    blocks: list[Block] = []
    footnotes: dict[str, str] = {}
    dropped: list[str] = []
    body_started = False
    for chunk in chunks:
        raw_lines = [re.sub(r"^\s*>\s?", "", l) for l in chunk.split("\n") if l.strip()]
        hard_breaks = len(raw_lines) > 1 and all(l.endswith("  ") for l in raw_lines[:-1])
        lines = [l.rstrip() for l in raw_lines]
        if not lines:
            continue
        if all(_HR_RE.match(l) for l in lines):
            continue
        first = lines[0].strip()
        fm = _FN_DEF_RE.match(first)
        if fm:
            mark = (fm.group(1) or fm.group(2)).strip()
            footnotes[mark] = one_line(_inline(join_lines([fm.group(3)] + lines[1:])))
            continue
        plain = [one_line(_inline(l)) for l in lines]
        flat = " ".join(plain)
        if body_started and (FURNITURE_RE.match(flat) or
                             (len(plain) <= 2 and re.match(r"^(?:Datum|Onze referentie|Uw referentie|Kenmerk|"
                                                           r"Ons kenmerk|Pagina)\b", plain[0], re.I)
                              and len(flat) < 70)):
            dropped.append(flat)
            continue
        if _HEADING_RE.match(first):
            blocks.append(Block(one_line(_inline(_HEADING_RE.sub("", first))), "heading"))
            continue
        if any(_LIST_RE.match(l) for l in lines) and len(lines) > 1 or _LIST_RE.match(lines[0]):
            items: list[list[str]] = []
            for l in lines:
                if _LIST_RE.match(l) or not items:
                    items.append([re.sub(r"^\s*[-*+]\s+", "", l)])
                else:
                    items[-1].append(l)
            for it in items:
                blocks.append(Block(_inline(join_lines(it)).strip(), "list"))
            body_started = body_started or len(blocks) > 0
            continue
        if any(CLOSING_RE.match(p) for p in plain):
            blocks.append(Block("\n".join(plain)))
        elif hard_breaks and not body_started:
            blocks.append(Block("\n".join(plain)))   # header blocks: hard line breaks kept
        else:
            blocks.append(Block(_inline(join_lines(lines)).strip()))
        if re.match(r"^(?:Datum\b.*\n?.*Betreft|Betreft)\b", "\n".join(plain), re.I | re.S) or \
                (blocks and len(blocks[-1].text) > 120):
            body_started = True
    # rejoin paragraphs cut by a page break
    merged: list[Block] = []
    for b in blocks:
        if merged and b.text[:1].islower() and merged[-1].kind in ("para", "list") \
                and "\n" not in merged[-1].text and not merged[-1].text.rstrip().endswith(_TERMINAL):
            merged[-1].text = rejoin(merged[-1].text, b.text)
            continue
        merged.append(b)
    meta = {"dropped_furniture": dropped} if dropped else {}
    return Parsed(blocks=merged, footnotes=footnotes, meta=meta)


def looks_like_markdown(text: str) -> bool:
    head = text[:6000]
    score = 0
    if re.search(r"^\s*>\s*Retouradres", head, re.M):
        score += 2
    if re.search(r"\*\*[^*\n]+\*\*", head):
        score += 1
    if re.search(r"<sup>\s*\d+\s*</sup>", head, re.I):
        score += 1
    if re.search(r"^#{1,6}\s+\S", head, re.M):
        score += 1
    if re.search(r"^\s*-{3,}\s*$", text, re.M):
        score += 1
    if re.search(r"\[\^\w+\]", head):
        score += 1
    return score >= 2
