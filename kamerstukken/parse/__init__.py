"""Parsers: every input format → one `Document`.

    detect_format(data, name="") -> "kst-xml" | "ob-html" | "pdf" | "pdf-text" | "markdown" | "news" | "text"
    parse(data, origin, fmt=None) -> Document        (raises ParseError on empty/corrupt/binary/truncated input)

Formats are recognised from the content first; the file name only breaks ties. One module per format
(kst_xml, ob_html, pdf, pdftext, markdown, news, plaintext); shared cleaning and assembly in common.
No I/O: the caller reads the bytes.
"""
from __future__ import annotations

import re
from typing import Optional

from ..models import Document
from .common import ParseError, build_document, decode

FORMATS = ("kst-xml", "ob-html", "pdf", "pdf-text", "markdown", "news", "text")

__all__ = ["ParseError", "detect_format", "parse", "FORMATS"]

_NAME_HINTS = (
    (re.compile(r"\.pdf$", re.I), "pdf"),
    (re.compile(r"\.xml$", re.I), "kst-xml"),
    (re.compile(r"\.x?html?$", re.I), "ob-html"),
    (re.compile(r"\.(?:md|markdown)$", re.I), "markdown"),
)


def detect_format(data: bytes, name: str = "") -> str:
    """The format of `data`, judged from its content; `name` (a file name or URL) only breaks ties."""
    from . import kst_xml, markdown, news, ob_html, pdftext

    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"<?xml") or kst_xml.is_kst_xml(head):
        if kst_xml.is_kst_xml(head) or not re.search(rb"<html[\s>]", head, re.I):
            return "kst-xml"
    try:
        text = head.decode("utf-8", errors="replace")
    except Exception:  # pragma: no cover
        text = ""
    if ob_html.is_html(text):
        return "ob-html"
    if news.is_news(text):
        return "news"
    if markdown.looks_like_markdown(text):
        return "markdown"
    share = pdftext.looks_like_pdf_text(text)
    if share is not None and share >= 0.4:
        return "pdf-text"
    hyph = len(re.findall(r"[a-zà-ÿ]-\n[a-zà-ÿ]", text))
    if hyph >= 3:
        return "pdf-text"
    for pat, fmt in _NAME_HINTS:
        if name and pat.search(name):
            return fmt
    return "text"


# libxml2 checks a tag's attributes against each other: time grows with the square of their number (20,000
# attributes in one tag: 1.6 s; 100,000: ~40 s). Real documents have a handful per tag.
MAX_ATTRIBUTES = 1000
_LONG_TAG = re.compile(rb"<[A-Za-z][^<>]{8000,}")


def check_markup(data: bytes) -> None:
    """ParseError for a tag with more than MAX_ATTRIBUTES attributes (linear scan of long tags only)."""
    for m in _LONG_TAG.finditer(data):
        n = m.group().count(b"=")
        if n > MAX_ATTRIBUTES:
            raise ParseError(f"a tag with about {n:,} attributes at byte {m.start():,} (limit {MAX_ATTRIBUTES:,}); "
                             f"refused")


def parse(data: bytes, origin: str, fmt: Optional[str] = None) -> Document:
    """Parse raw bytes into a `Document`. `origin` is the path or URL (recorded in `sources`)."""
    if not isinstance(data, (bytes, bytearray)):
        raise ParseError(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data.strip():
        raise ParseError("empty input (no bytes or only whitespace)")
    fmt = fmt or detect_format(data, origin)
    if fmt not in FORMATS:
        raise ParseError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if fmt in ("kst-xml", "ob-html"):
        check_markup(data)
    try:
        return _parse(data, origin, fmt)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(f"{fmt} input nested too deeply") from None
    except Exception as exc:  # a parser bug must surface as a clear, one-line ParseError
        raise ParseError(f"cannot parse {fmt} input: {type(exc).__name__}: {str(exc)[:160]}") from exc


def _parse(data: bytes, origin: str, fmt: str) -> Document:
    from . import kst_xml, markdown, news, ob_html, pdf, pdftext, plaintext

    warnings: list[str] = []
    if fmt == "kst-xml":
        parsed = kst_xml.parse_bytes(data)
    elif fmt == "pdf":
        parsed, warnings = pdf.parse_bytes(data)
    else:
        text, warnings = decode(data)
        if not text.strip():
            raise ParseError("empty input (only whitespace after decoding)")
        if fmt == "ob-html":
            parsed = ob_html.parse_bytes(data, text)
        elif fmt == "news":
            parsed = news.parse_text(text)
        elif fmt == "markdown":
            parsed = markdown.parse_text(text)
        elif fmt == "pdf-text":
            parsed = pdftext.parse_text(text)
        else:
            parsed = plaintext.parse_text(text)
    return build_document(parsed, fmt, origin, data, warnings)
