"""Atom feeds of watches: one feed per watch, one entry per event, written by `kamerstukken watch run --atom DIR`.

Entry ids are the events' stable ids (`urn:uuid:…`, see `kamerstukken.watch.event_id`), so a feed reader shows
each event once however often the feed is rewritten. `feed_xml` is pure; `write_feeds` writes DIR/NAME.atom
atomically (a reader never sees half a file).
"""
from __future__ import annotations

import os
import tempfile
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Optional

ATOM = "http://www.w3.org/2005/Atom"
OB_URL = "https://zoek.officielebekendmakingen.nl/{}.html"
_FEED_NS = uuid.UUID("6b2f1d0e-83c4-4a8e-b3a5-6b616d657273")

TITLES = {"new": "nieuw / new", "overdue": "over de termijn / overdue", "fulfilled": "nagekomen / fulfilled",
          "claimed_done": "afgedaan verklaard / declared done", "answered": "beantwoord / answered",
          "deadline": "termijn verschoven / deadline moved", "due_soon": "termijn nadert / due soon",
          "status": "status gewijzigd / status changed"}


def _stamp(day: Optional[str]) -> str:
    return f"{(day or '1970-01-01')[:10]}T00:00:00Z"


def item_url(item_id: str, base: Optional[str] = None) -> str:
    """Where a reader can look an item up: its page in the web UI when `base` is given, else the official
    publication of its document (a commitment's id is its document's id and '#c<n>')."""
    if base:
        from urllib.parse import quote
        return f"{base.rstrip('/')}/status/{quote(item_id, safe='')}"
    return OB_URL.format(item_id.split("#", 1)[0])


def _sub(parent, tag: str, text: Optional[str] = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _entry(feed: ET.Element, e: dict, base: Optional[str]) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "id", e["atom_id"])
    _sub(entry, "title", f"{TITLES.get(e['event'], e['event'])}: {e['item_id']}")
    _sub(entry, "updated", _stamp(e["day"]))
    _sub(entry, "link", href=item_url(e["item_id"], base), rel="alternate")
    if e.get("letter"):
        _sub(entry, "link", href=OB_URL.format(e["letter"]), rel="related", title=f"brief / letter {e['letter']}")
    _sub(entry, "category", term=e["event"])
    _sub(entry, "summary", e.get("detail") or "")
    _sub(entry, "content", (e.get("detail") or "") + "\n\n" + (e.get("title") or ""), type="text")


def feed_xml(name: str, description: str, events: list[dict], base: Optional[str] = None) -> bytes:
    """A valid Atom 1.0 document for a watch's events (newest first). Pure."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", "urn:uuid:" + str(uuid.uuid5(_FEED_NS, name)))
    _sub(feed, "title", f"kamerstukken watch {name}")
    _sub(feed, "subtitle", description)
    days = [e["day"] for e in events if e.get("day")]
    _sub(feed, "updated", _stamp(max(days) if days else None))
    _sub(_sub(feed, "author"), "name", "kamerstukken")
    _sub(feed, "generator", "kamerstukken")
    if base:
        _sub(feed, "link", href=f"{base.rstrip('/')}/watch_feed?watch={name}", rel="alternate")
    for e in events:
        _entry(feed, e, base)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def write_feeds(store, folder: os.PathLike, names: list[str], base: Optional[str] = None) -> list[Path]:
    """Write FOLDER/NAME.atom for each watch from the events it reported; returns the paths written."""
    from .watch import describe, get_watch, watch_events
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name in names:
        w = get_watch(store, name)
        if w is None:
            continue
        data = feed_xml(name, describe(w), watch_events(store, name), base)
        target = folder / f"{name}.atom"
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        out.append(target)
    return out
