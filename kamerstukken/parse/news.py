"""A government news item as stored text (seed 002): first line ``" date 2026-01-09 <title>"``, then
paragraphs separated by blank lines."""
from __future__ import annotations

import re

from .common import Block, Parsed, ministry_code, one_line
from .plaintext import split_blocks
from .pdftext import join_lines

NEWS_FIRST_LINE_RE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+(.+?)\s*$")


def is_news(text: str) -> bool:
    first = next((l for l in text.split("\n") if l.strip()), "")
    return bool(NEWS_FIRST_LINE_RE.match(first))


def parse_text(text: str) -> Parsed:
    lines = text.split("\n")
    k = next(i for i, l in enumerate(lines) if l.strip())
    m = NEWS_FIRST_LINE_RE.match(lines[k])
    if not m:
        from .common import ParseError
        raise ParseError("not a news item: first line is not ' date YYYY-MM-DD title'")
    rest = "\n".join(lines[k + 1:])
    blocks = [Block(join_lines(c)) for c in split_blocks(rest)]
    fields = {"kind": "news", "date": m.group(1), "title": one_line(m.group(2)), "structured": True}
    code = ministry_code("\n".join(b.text for b in blocks[:6]))
    if code:
        fields["ministry"] = code
    return Parsed(blocks=blocks, fields=fields)
