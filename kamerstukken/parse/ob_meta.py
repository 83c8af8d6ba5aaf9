"""What an officielebekendmakingen page says about itself, besides the text.

* The `<meta>` tags (`DC.identifier` "stb-2014-296" / "kst-35300-VII-109", `DCTERMS.issued`/`available`,
  `OVERHEIDop.datumOndertekening`, `DC.title`, `DC.creator`): the publication's id, date and title.
* The metadata table that opens a modern zoek.officielebekendmakingen.nl kamerstuk page: a header row
  "Datum publicatie | Organisatie | Vergaderjaar | Dossier- en ondernummer | Datum brief" (the last column may
  be "Datum ontvangst" or "Datum vergadering") over one row of values; also read when written as label/value
  rows. It is read into fields and removed from the body, so it does not become a text paragraph.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from .common import dossier_key, one_line, parse_dutch_date

PUBLICATION_ID = re.compile(r"^(?:kst|stb|stcrt|gmb|prb|wsb|bgr|trb|ah|h|blg|ag|kv)-[\w.-]+$", re.I)
_TABLE_LABELS = {"datum publicatie": "published", "organisatie": "organisation", "vergaderjaar": "vergaderjaar",
                 "dossier- en ondernummer": "dossier_nr", "datum brief": "letter_date",
                 "datum ontvangst": "received", "datum vergadering": "meeting_date"}
_DOSSIER_NR = re.compile(r"^(\d{2}\s?\d{3})(?:[\s-]+([A-Z]{1,6}|\(R\d+\)))?(?:[\s-]+(\d{1,3}))?\s*,?\s*"
                         r"nr\.?\s*([A-Z]{1,3}|\d+)$", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})-(\d{1,2})-(\d{4})\b")


def _first(meta: dict, *names: str) -> Optional[str]:
    for n in names:
        for key, v in meta.items():
            if key.lower() == n.lower():
                v = v[0] if isinstance(v, list) else v
                if v and v.strip():
                    return v.strip()
    return None


def any_date(text: str) -> Optional[str]:
    """'20 maart 2020', '2020-03-20' or '20-03-2020' -> ISO."""
    iso = parse_dutch_date(text or "")
    if iso:
        return iso
    m = _NUMERIC_DATE.search(text or "")
    return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else None


def meta_fields(meta: dict) -> dict[str, Any]:
    """id, title and a fallback date from the page's meta tags."""
    out: dict[str, Any] = {}
    ident = _first(meta, "DC.identifier", "dcterms.identifier")
    if ident:
        ident = re.sub(r"\.html?$", "", ident.rsplit("/", 1)[-1])
        if PUBLICATION_ID.match(ident):
            out["id"] = ident
            if not re.match(r"(?i)(kst|h|ah)-", ident):   # Staatsblad, Staatscourant, Gemeenteblad, ...
                out["kind"] = "other"
    title = _first(meta, "OVERHEIDop.documenttitel", "DC.title")
    if title:
        out["title"] = one_line(title)
    date = _first(meta, "OVERHEIDop.datumOndertekening", "DCTERMS.issued", "DCTERMS.available")
    if date and any_date(date):
        out["datum_iso"] = any_date(date)
    return out


def _label_rows(table) -> list[tuple[str, str]]:
    """(label, value) pairs of a horizontal table (header row over a value row) or of label/value rows."""
    rows = [[one_line(c.text_content()) for c in tr if isinstance(c.tag, str) and c.tag in ("th", "td")]
            for tr in table.iter("tr")]
    rows = [r for r in rows if r]
    if len(rows) >= 2 and sum(1 for c in rows[0] if c.lower() in _TABLE_LABELS) >= 2:
        return list(zip(rows[0], rows[1]))
    return [(r[0], r[1]) for r in rows if len(r) == 2]


def read_metadata_table(doc) -> dict[str, Any]:
    """Find, read and remove the page's metadata table; {} when there is none."""
    for table in doc.iter("table"):
        pairs = [(_TABLE_LABELS.get(l.lower().rstrip(":")), v) for l, v in _label_rows(table)]
        known = {k: v for k, v in pairs if k and v}
        if len(known) < 2 or not ({"dossier_nr", "vergaderjaar"} & set(known)):
            continue
        if table.getparent() is not None:
            table.drop_tree()
        return table_fields(known)
    return {}


def table_fields(known: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"ob_table": dict(known)}
    m = _DOSSIER_NR.match(known.get("dossier_nr", ""))
    if m:
        out["dossier"] = dossier_key(m.group(1), m.group(2), m.group(3))
        out["nr"] = m.group(4).upper() if not m.group(4).isdigit() else m.group(4)
    if known.get("vergaderjaar"):
        out["vergaderjaar"] = known["vergaderjaar"]
    for key in ("letter_date", "received", "meeting_date"):
        d = any_date(known.get(key, ""))
        if d:
            out.setdefault("date", d)
    if known.get("published") and any_date(known["published"]):
        out["published"] = out["datum_iso"] = any_date(known["published"])
    if known.get("organisation"):
        out["organisation"] = known["organisation"]
    return out
