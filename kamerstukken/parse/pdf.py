"""PDF → text with pypdf, then the same cleaning as PDF text (pdftext.py).

Pages are joined with a form feed so that page starts are known. Refused with `ParseError`: no PDF header,
no ``%%EOF`` marker near the end (truncated download), anything pypdf cannot read, encrypted files, and PDFs
without extractable text (scans)."""
from __future__ import annotations

import io
import logging
import re

from .common import ParseError, Parsed, fix_mojibake
from . import pdftext

_EOF_RE = re.compile(rb"%%EOF\s*$")


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
