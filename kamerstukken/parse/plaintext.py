"""Plain text (seed 000: text taken from the official HTML, one paragraph per line, blank lines between)
→ blocks. Footnote marks are Unicode superscripts glued to the word ("Molen¹"); the footnote texts stand
as paragraphs of their own ("¹ Kamerstuk 35 300 VII, nr. 20"), possibly in the middle of the body."""
from __future__ import annotations

import re

from .common import CLOSING_RE, SUPERSCRIPTS, Block, Parsed, glue_marks, superscript_marks
from .pdftext import join_lines

_FN_BLOCK_RE = re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}|\d{1,3})[ \t]+(\S.*)$", re.S)
_BLANKS_RE = re.compile(r"\n[ \t]*\n+")


def split_blocks(text: str) -> list[list[str]]:
    return [[l for l in chunk.split("\n") if l.strip()] for chunk in _BLANKS_RE.split(text.strip()) if chunk.strip()]


def parse_text(text: str) -> Parsed:
    chunks = split_blocks(text)
    body_text = "\n".join(" ".join(c) for c in chunks)
    glued_sup = set(m.translate(SUPERSCRIPTS) for m in re.findall(r"(?<=\S)([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})", body_text))
    footnotes: dict[str, str] = {}
    blocks: list[Block] = []
    for c in chunks:
        first = c[0].strip()
        m = _FN_BLOCK_RE.match(first)
        if m:
            mark = m.group(1).translate(SUPERSCRIPTS)
            is_sup = m.group(1)[0] not in "0123456789"
            if (is_sup and mark in glued_sup) or (not is_sup and mark == str(len(footnotes) + 1)
                                                 and re.search(r"[A-Za-z.,)»]" + mark + r"\b", body_text)
                                                 and len(c) <= 3):
                footnotes[mark] = join_lines([m.group(2)] + c[1:])
                continue
        if any(CLOSING_RE.match(l.strip()) for l in c):
            blocks.append(Block("\n".join(l.strip() for l in c)))
        else:
            blocks.append(Block(join_lines(c)))
    expected = 1
    for b in blocks:
        b.text = superscript_marks(b.text)
        if footnotes and "\ue000" not in b.text:
            b.text, expected = glue_marks(b.text, footnotes.keys(), expected)
    for b in blocks:
        t = b.text
        if len(t) < 90 and "\n" not in t and not t.endswith((".", ",", ";", ":")) and t[:1].isupper() \
                and len(blocks) > 3:
            b.kind = "heading"
        elif re.match(r"^[–—•▪·\-*]\s", t):
            b.kind = "list"
    return Parsed(blocks=blocks, footnotes=footnotes)
