"""Eerste Kamer pages handed to `kamerstukken ingest` (saved or replayed pages): a motion page becomes a motion
row, a toezegging or rappel page register rows, as `fetch ek-moties` / `fetch ek-toezeggingen` would store
them. Anything else is not an EK register page (None), and goes on to the document parsers."""
from __future__ import annotations

import re
from typing import Optional

from ..store import Store
from .eerstekamer import parse_toezeggingen, store_toezeggingen
from .ek_motion import parse_motie_page, store_ek_motion

_ROW = rb"<t[hd][^>]*>\s*%s\s*</t[hd]>"
_MOTION = re.compile(_ROW % rb"(?:behandelstatus|mede ondertekend door|indiener\(s\))", re.I)
_NUMMER = re.compile(_ROW % rb"nummer", re.I)
_TOEZEGGING = re.compile(_ROW % rb"(?:datum toezegging|deadline|verantwoordelijke\(n\))", re.I)
_T_NUMBER = re.compile(rb"\bT\d{5}\b")


def ingest_ek_page(store: Store, data: bytes, origin: str) -> Optional[list[str]]:
    """The ids stored from an EK motion/toezegging page, or None when `data` is no such page."""
    head = data[:500_000]
    if not _NUMMER.search(head):
        return None
    if _TOEZEGGING.search(head) and _T_NUMBER.search(head):
        items = parse_toezeggingen(data, origin)
        if items:
            store_toezeggingen(store, items)
            return [f"ek-{t.nummer}" for t in items]
    if _MOTION.search(head):
        m = parse_motie_page(data, origin)
        if m and m.id:
            store_ek_motion(store, m)
            return [m.id]
    return None
