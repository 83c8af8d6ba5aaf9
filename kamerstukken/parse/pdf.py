"""PDF → text with pypdf, then the same cleaning as PDF text (pdftext.py).

Pages are joined with a form feed so that page starts are known. Refused with `ParseError`: no PDF header,
no ``%%EOF`` marker near the end (truncated download), anything pypdf cannot read, encrypted files, and PDFs
without extractable text (scans)."""
from __future__ import annotations

import io
import logging
import os
import re

from .common import ParseError, Parsed, fix_mojibake
from . import pdftext

_EOF_RE = re.compile(rb"%%EOF\s*$")

MB = 1024 * 1024
# Limits (environment variables to change them): pages per PDF, decoded content stream per page, and decoded
# content over all pages. A page of real text has tens of KB of content; a hostile file that makes 120 pages
# share one 74 MB stream (10 s of text extraction a page) is refused at its first page.
MAX_PAGES = int(os.environ.get("KAMERSTUKKEN_PDF_MAX_PAGES") or 5000)
MAX_PAGE_CONTENT = int(os.environ.get("KAMERSTUKKEN_PDF_MAX_PAGE_CONTENT") or 8 * MB)
MAX_TOTAL_CONTENT = int(os.environ.get("KAMERSTUKKEN_PDF_MAX_CONTENT") or 256 * MB)


def _content_size(page, seen: dict) -> int:
    """Decoded size of a page's content streams; each stream decoded once (`seen` by object number)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    obj = contents.get_object()
    refs = list(obj) if isinstance(obj, list) else [contents]
    total = 0
    for ref in refs:
        key = getattr(ref, "idnum", None) or id(ref)
        if key not in seen:
            stream = ref.get_object()
            seen[key] = len(stream.get_data()) if hasattr(stream, "get_data") else 0
        total += seen[key]
    return total


def _check_limits(reader) -> None:
    n = len(reader.pages)
    if n > MAX_PAGES:
        raise ParseError(f"PDF with {n:,} pages, over the limit of {MAX_PAGES:,} (KAMERSTUKKEN_PDF_MAX_PAGES)")
    seen: dict = {}
    total = 0
    for i, page in enumerate(reader.pages, 1):
        size = _content_size(page, seen)
        if size > MAX_PAGE_CONTENT:
            raise ParseError(f"PDF page {i} has {size / MB:.0f} MB of content, over the limit of "
                             f"{MAX_PAGE_CONTENT // MB} MB a page (KAMERSTUKKEN_PDF_MAX_PAGE_CONTENT)")
        total += size
        if total > MAX_TOTAL_CONTENT:
            raise ParseError(f"PDF content over {MAX_TOTAL_CONTENT // MB} MB by page {i} "
                             f"(KAMERSTUKKEN_PDF_MAX_CONTENT)")


def extract_text(data: bytes) -> tuple[str, list[str]]:
    warnings: list[str] = []
    head = data[:1024].lstrip()
    if not head.startswith(b"%PDF-"):
        raise ParseError("not a PDF: no %PDF- header")
    if not _EOF_RE.search(data[-2048:]):
        raise ParseError("truncated or corrupt PDF: no %%EOF marker at the end")
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise ParseError(f"pypdf not available: {exc}") from None
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise ParseError("encrypted PDF: cannot read its text") from None
        _check_limits(reader)
        pages = []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
    except ParseError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many kinds of errors on broken files
        raise ParseError(f"corrupt PDF: {type(exc).__name__}: {str(exc)[:120]}") from None
    text = "\n\f".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in pages)
    if not text.replace("\f", "").strip():
        raise ParseError(f"PDF without extractable text ({len(pages)} page(s); scanned?)")
    text, n = fix_mojibake(text)
    if n:
        warnings.append(f"repaired {n} mojibake sequence(s)")
    warnings.append(f"text extracted with pypdf from {len(pages)} page(s)")
    return text, warnings


def parse_bytes(data: bytes) -> tuple[Parsed, list[str]]:
    text, warnings = extract_text(data)
    return pdftext.parse_text(text), warnings
