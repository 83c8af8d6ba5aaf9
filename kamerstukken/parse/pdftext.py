"""Text extracted from a PDF (pdftotext-like output, seeds 001 and 004) → blocks and footnotes.

What PDF text looks like and what is done about it:

* hard-wrapped lines, usually ending in a space → unwrapped into paragraphs; a paragraph ends at a blank line,
  or at a short line (< 70 % of the typical line width) followed by a line starting with a capital/digit/dash;
* words hyphenated at the line end ("taakdiffe-" / "rentiatie") → joined without the hyphen when the next line
  starts with a lower-case letter; kept with a space when the next word is "en"/"of"/"tot" ("aansturings- en
  inrichtingsvraagstukken" survives); kept without a space before a capital ("commissie-" / "Bovens");
* a new page starts with a form feed (pypdf, pdftotext) or with a line indented by whitespace (the seeds);
  running heads ("Datum 29 november 2024 Onze referentie …", "Pagina 2 van 5") and bare page numbers are dropped;
* footnotes at the page bottom: after a blank line, a line "N text" where N is the next footnote number and the
  body already contains N glued to a word ("Molen1", "bestuur1,", "2018.2"); the footnote runs to the end of
  the page and may wrap over several lines; a paragraph interrupted by the footnotes and the page break is
  rejoined when it did not end a sentence and the next page starts in lower case;
* the glued marks are then detached in order (1, 2, 3 …) and become `Footnote`s.
"""
from __future__ import annotations

import re
from typing import Optional

from .common import (CLOSING_RE, FURNITURE_RE, MARK_OPEN, Block, Parsed, glue_marks, one_line, superscript_marks)

PAGE_BREAK = "\f"
_FN_LINE_RE = re.compile(r"^(\d{1,3})\s+(\S.*)$")
_BULLET_RE = re.compile(r"^(?:[–—•▪·\-*]\s+|\(?\d{1,2}[.)]\s+|[a-z][.)]\s+)")
_TERMINAL = tuple(".!?:;»”\"')")
_KEEP_HYPHEN_NEXT = {"en", "of", "tot", "noch", "and", "or"}


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines of one paragraph, repairing end-of-line hyphenation."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        if re.search(r"[A-Za-zÀ-ÿ]-$", out) and not re.search(r"(?:^|\s)-$", out):
            first = line.split(" ", 1)[0]
            if first in _KEEP_HYPHEN_NEXT:
                out = out + " " + line
            elif line[0].islower():
                out = out[:-1] + line
            else:
                out = out + line
        else:
            out = out + " " + line
    return out


def _glued_before(body: list[str], mark: str) -> bool:
    pat = re.compile(r"[A-Za-zÀ-ÿ)»”’.,;:]" + mark + r"(?=[\s,.;:)»”’]|$)")
    for line in body[-120:]:
        if pat.search(line):
            return True
    return False


def split_pages_and_footnotes(text: str) -> tuple[list[str], dict[str, str], list[str]]:
    """Lines of body text (blank = '' , page breaks removed) and the footnote texts found at page bottoms."""
    lines = text.replace("\r", "").split("\n")
    body: list[str] = []
    footnotes: dict[str, str] = {}
    dropped: list[str] = []
    expected = 1
    i = 0
    n = len(lines)

    def is_page_start(s: str) -> bool:
        return s.startswith(PAGE_BREAK) or (s[:1].isspace() and s.strip() != "")

    ff_pages = any(l.startswith(PAGE_BREAK) for l in lines)

    def _near_page_end(k: int) -> bool:
        """Extractors that drop blank lines (pypdf): a footnote block runs from its first line to the page
        end, which must come within a few lines."""
        if not ff_pages:
            return False
        for j in range(k + 1, min(n, k + 14)):
            if lines[j].startswith(PAGE_BREAK):
                return True
        return n - k <= 14

    while i < n:
        line = lines[i]
        if line.startswith(PAGE_BREAK):
            line = line.lstrip(PAGE_BREAK)
        stripped = line.strip()
        if stripped and FURNITURE_RE.match(one_line(stripped)):
            dropped.append(stripped)
            i += 1
            continue
        m = _FN_LINE_RE.match(stripped)
        if m and not (not body or body[-1] == "" or i == 0 or _near_page_end(i)):
            m = None
        if m and int(m.group(1)) == expected and _glued_before(body, m.group(1)):
            # a footnote region: runs to the next page start (or the end)
            cur_mark, cur_lines = m.group(1), [m.group(2)]
            expected += 1
            j = i + 1
            while j < n and not is_page_start(lines[j]):
                s = lines[j].strip()
                fm = _FN_LINE_RE.match(s)
                if fm and int(fm.group(1)) == expected:
                    footnotes[cur_mark] = join_lines(cur_lines)
                    cur_mark, cur_lines = fm.group(1), [fm.group(2)]
                    expected += 1
                elif s and FURNITURE_RE.match(one_line(s)):
                    dropped.append(s)
                elif s:
                    cur_lines.append(s)
                j += 1
            footnotes[cur_mark] = join_lines(cur_lines)
            if body and body[-1] != "":
                body.append("")
            i = j
            continue
        body.append(stripped)
        i += 1
    return body, footnotes, dropped


def _typical_width(lines: list[str]) -> int:
    lens = sorted(len(l) for l in lines if l)
    if not lens:
        return 80
    return lens[int(len(lens) * 0.9) - 1 if len(lens) > 1 else 0]


def lines_to_blocks(body: list[str]) -> list[Block]:
    width = _typical_width(body)
    short = 0.7 * width
    paras: list[list[str]] = []
    cur: list[str] = []
    closing_next = False
    for idx, line in enumerate(body):
        if not line:
            if cur:
                paras.append(cur)
                cur = []
            continue
        if closing_next and cur:
            cur.append("\n" + line)  # the name under "De Minister van …,"
            closing_next = False
            paras.append(cur)
            cur = []
            continue
        if CLOSING_RE.match(line):
            if cur:
                paras.append(cur)
            cur = [line]
            closing_next = True
            continue
        if cur and (_BULLET_RE.match(line) and (len(cur[-1]) < short or cur[-1].rstrip().endswith(_TERMINAL)
                                                or re.match(r"^[–—•▪·*]\s", cur[0]))):
            paras.append(cur)
            cur = []
        elif cur and len(cur[-1]) < short and (line[0].isupper() or line[0].isdigit()) \
                and not re.search(r"[A-Za-zÀ-ÿ]-$", cur[-1]):
            paras.append(cur)
            cur = []
        cur.append(line)
    if cur:
        paras.append(cur)

    blocks: list[Block] = []
    for p in paras:
        text = _join_with_closing(p)
        if blocks and _continues(blocks[-1].text, text):
            blocks[-1].text = rejoin(blocks[-1].text, text)
            continue
        blocks.append(Block(text=text, kind=_kind_of(text, len(p), width)))
    return blocks


def rejoin(prev: str, nxt: str) -> str:
    """Two pieces of one paragraph cut by a page break: a word hyphenated at the break ("taakdiffe-" +
    "rentiatie") is joined; a hyphen that stays ("aansturings-" + "en inrichtingsvraagstukken") and all else get
    a space."""
    if re.search(r"[A-Za-zÀ-ÿ]-$", prev) and nxt[:1].islower() and nxt.split(" ", 1)[0] not in _KEEP_HYPHEN_NEXT:
        return prev[:-1] + nxt
    return prev + " " + nxt


def _join_with_closing(p: list[str]) -> str:
    if any(l.startswith("\n") for l in p):
        return "\n".join(l.strip() for l in p)
    return join_lines(p)


def _continues(prev: str, nxt: str) -> bool:
    """A paragraph cut by a page break (and the footnotes under it): no sentence end, next starts lower case."""
    if not prev or not nxt or "\n" in prev:
        return False
    return nxt[0].islower() and not prev.rstrip().endswith(_TERMINAL)


def _kind_of(text: str, nlines: int, width: int) -> str:
    if _BULLET_RE.match(text) and re.match(r"^[–—•▪·\-*]\s", text):
        return "list"
    if nlines == 1 and len(text) < min(90, width) and not text.endswith((".", ",", ";", ":")) \
            and (text[0].isupper() or text[0].isdigit()) and "\n" not in text:
        return "heading"
    return "para"


def mark_footnotes(blocks: list[Block], footnotes: dict[str, str]) -> None:
    """Detach glued marks across the blocks, in document order."""
    expected = 1
    for b in blocks:
        b.text = superscript_marks(b.text)
        if MARK_OPEN in b.text:
            continue
        b.text, expected = glue_marks(b.text, footnotes.keys(), expected)


def parse_text(text: str) -> Parsed:
    body, footnotes, dropped = split_pages_and_footnotes(text)
    blocks = lines_to_blocks(body)
    mark_footnotes(blocks, footnotes)
    meta = {}
    if dropped:
        meta["dropped_furniture"] = dropped[:50]
    return Parsed(blocks=blocks, footnotes=footnotes, meta=meta)


def looks_like_pdf_text(text: str) -> Optional[float]:
    """Share of non-empty lines that are hard-wrapped (end in a space or a hyphenated word)."""
    lines = [l for l in text.split("\n")[:400] if l.strip()]
    if len(lines) < 4:
        return None
    wrapped = sum(1 for l in lines if l.endswith(" ") or re.search(r"[a-zà-ÿ]-$", l))
    return wrapped / len(lines)
