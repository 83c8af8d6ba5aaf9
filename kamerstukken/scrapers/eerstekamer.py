"""Eerste Kamer: the toezeggingen register (T-numbers) and the "uitvoeringsstatus" of motions.

No raw copy of a toezegging page exists; the parser follows the structure documented by stored texts of
eerstekamer.nl toezegging pages (detail `/toezegging/<slug>` and "rappel" lists) and the layout of the real
motion page (`<th scope="row">` rows with lower-case labels, the page title outside `<main>`):

    Toezegging <titel> (T01970)              heading, one per toezegging (a rappel page lists many)
    <the promise itself, one paragraph>
    Kerngegevens                             label / value rows: Nummer, Status, Datum toezegging, Deadline,
                                             (Huidige|Voormalige) Verantwoordelijke(n), Kamerleden, Commissie,
                                             Soort activiteit, Categorie, Onderwerpen, Kamerstukken "… (33.344)"
    Uit de stukken                           "<source>:" lines, each followed by the quoted passage(s)
    Brondocumenten / Historie

Label/value rows are read from tables (th/td or td/td), definition lists (dt/dd) and "Label value" lines, so
the same parser reads the layout variants. A record starts at its heading or, when the heading stands outside
`<main>`, at a `Nummer` row holding a T-number. Everything is read into plain records first (no I/O), then stored:
register_entries (register 'ek') + commitments (source 'ek_register'); motions get `uitvoeringsstatus`.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Optional
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup, NavigableString, Tag

from ..parse.common import MONTHS, ministry_code
from ..store import Store
from .http import FetchError, HttpClient, base_url, same_source
from .odata import add_known_from, merge_upsert, upsert_register

ProgressFn = Callable[[str, int, Optional[int]], None]


T_HEADING = re.compile(r"^\s*Toezegging\s+(?P<title>.*?)\s*\((?P<nr>T\d{4,6})\)\s*$", re.S)
T_NUMBER = re.compile(r"\bT\d{5}\b")
LABELS = {
    "nummer": "nummer", "status": "status", "datum toezegging": "datum", "deadline": "deadline",
    "verantwoordelijke(n)": "responsible", "verantwoordelijke": "responsible",
    "huidige verantwoordelijke(n)": "responsible", "voormalige verantwoordelijke(n)": "former_responsible",
    "kamerleden": "members", "commissie": "committee", "soort activiteit": "activity", "categorie": "category",
    "onderwerpen": "topics", "kamerstukken": "kamerstukken",
}
_LABEL_LINE = re.compile(r"^(?P<label>" + "|".join(sorted((re.escape(k) for k in LABELS), key=len, reverse=True))
                         + r")\s*[:|]?\s+(?P<value>.+)$", re.I | re.S)
_DOSSIER = re.compile(r"\((\d{2}\.?\d{3}(?:[- ](?:[A-Z]{1,4}|\(R\d+\)))?)\)")


def nl_date(text: Optional[str]) -> Optional[str]:
    """'27 mei 2014' / '1-7-2025' / '2025-07-01' -> ISO."""
    if not text:
        return None
    t = text.strip().lower()
    m = re.search(r"(\d{1,2})\s+([a-z]+)\s+(\d{4})", t)
    if m and m.group(2) in MONTHS:
        return f"{int(m.group(3)):04d}-{MONTHS[m.group(2)]:02d}-{int(m.group(1)):02d}"
    m = re.search(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})\b", t)
    if m:
        y = int(m.group(3))
        y = y + 2000 if y < 100 else y
        return f"{y:04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", t)
    return m.group(0) if m else None


def _text(el) -> str:
    return re.sub(r"[ \t\r\f\v]+", " ", re.sub(r"\s*\n\s*", "\n", el.get_text("\n"))).strip()


def _one_line(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


BLOCK = {"p", "li", "blockquote", "pre"}
HEAD = {"h1", "h2", "h3", "h4", "h5", "h6"}
SKIP = {"script", "style", "nav", "header", "footer", "noscript", "form", "button"}


def linearize(node) -> list[tuple]:
    """The page as a flat sequence: ('h', text) | ('kv', label, value) | ('p', text) | ('a', text, href) |
    ('sep',) for a rule between entries."""
    out: list[tuple] = []

    def links(el):
        for a in el.find_all("a", href=True):
            out.append(("a", _one_line(a.get_text(" ")), a["href"]))

    def walk(n):
        for child in n.children:
            if isinstance(child, NavigableString):
                t = _one_line(str(child))
                if t and not isinstance(child, type(None)) and child.parent is not None \
                        and child.parent.name not in SKIP:
                    out.append(("p", t))
                continue
            if not isinstance(child, Tag) or child.name in SKIP:
                continue
            name = child.name
            if name in HEAD:
                out.append(("h", _one_line(child.get_text(" "))))
            elif name == "tr":
                cells = child.find_all(["th", "td"], recursive=False)
                if len(cells) == 2:
                    out.append(("kv", _one_line(cells[0].get_text(" ")), _text(cells[1])))
                    links(cells[1])
                elif cells:
                    out.append(("p", " ".join(_one_line(c.get_text(" ")) for c in cells)))
            elif name == "dl":
                label = None
                for c in child.find_all(["dt", "dd"]):
                    if c.name == "dt":
                        label = _one_line(c.get_text(" "))
                    elif label is not None:
                        out.append(("kv", label, _text(c)))
                        links(c)
            elif name in BLOCK:
                t = _text(child)
                if t:
                    out.append(("p", t))
                links(child)
            elif name == "a" and child.get("href"):
                out.append(("a", _one_line(child.get_text(" ")), child["href"]))
            elif name == "br":
                continue
            elif name == "hr":
                out.append(("sep",))
            else:
                walk(child)

    walk(node)
    return out


@dataclass
class EkToezegging:
    nummer: str
    title: str = ""
    text: str = ""
    status: Optional[str] = None
    date: Optional[str] = None
    deadline: Optional[str] = None
    responsible: Optional[str] = None
    former_responsible: Optional[str] = None
    members: Optional[str] = None
    committee: Optional[str] = None
    activity: Optional[str] = None
    category: Optional[str] = None
    topics: Optional[str] = None
    kamerstukken: list[str] = field(default_factory=list)      # dossier numbers, e.g. "33344"
    kamerstukken_text: Optional[str] = None
    quotes: list[dict] = field(default_factory=list)           # {"source": ..., "text": ...}
    documents: list[dict] = field(default_factory=list)        # Brondocumenten links {"text", "url"}
    url: Optional[str] = None


def _dossiers(value: str) -> list[str]:
    out = []
    for m in _DOSSIER.finditer(value or ""):
        d = m.group(1).replace(".", "").replace(" ", "-")
        if d not in out:
            out.append(d)
    return out


def _headings_by_number(soup) -> dict[str, str]:
    """Titles of "Toezegging <titel> (Tnnnnn)" headings anywhere on the page (also outside <main>)."""
    out: dict[str, str] = {}
    for h in soup.find_all(list(HEAD) + ["title"]):
        m = T_HEADING.match(_one_line(h.get_text(" ")).split(" - Eerste Kamer")[0])
        if m:
            out.setdefault(m.group("nr"), _one_line(m.group("title")))
    return out


class _Reader:
    """Walks the linearized page; a record starts at a "Toezegging … (Tnnnnn)" heading or at a `Nummer` row
    holding a T-number that is not the current record's (the heading may stand outside <main>)."""

    def __init__(self, url: str, titles: dict[str, str]):
        self.url, self.titles = url, titles
        self.found: list[EkToezegging] = []
        self.cur: Optional[EkToezegging] = None
        self.section, self.desc, self.loose = "", [], []
        self.numbered = False      # the current record's Nummer row was read

    def start(self, nr: str, title: str = "", from_row: bool = False) -> None:
        loose = self.loose
        self.close()
        self.cur = EkToezegging(nummer=nr, title=title or self.titles.get(nr, ""), url=self.url or None)
        self.section, self.numbered = ("kerngegevens", True) if from_row else ("desc", False)
        if from_row:                 # the promise's paragraph came before its Nummer row
            self.desc = loose

    def close(self) -> None:
        if self.cur is not None:
            if self.desc and not self.cur.text:
                self.cur.text = "\n".join(self.desc).strip()
            self.found.append(self.cur)
        self.cur, self.desc, self.loose = None, [], []

    def heading(self, text: str) -> None:
        m = T_HEADING.match(text)
        if m:
            self.start(m.group("nr"), _one_line(m.group("title")))
            return
        low = text.strip().lower()
        self.section = ("kerngegevens" if low.startswith("kerngegevens") else
                        "quotes" if low.startswith("uit de stukken") else
                        "docs" if low.startswith("brondocument") else
                        "history" if low.startswith("historie") else "other")

    def row(self, label: str, value: str) -> None:
        if LABELS.get(_one_line(label).lower().rstrip(":")) == "nummer":
            m = T_NUMBER.search(value)
            if m and (self.cur is None or (self.numbered and m.group(0) != self.cur.nummer)):
                self.start(m.group(0), from_row=True)
                return
            self.numbered = True
        if self.cur is not None:
            if self.section == "desc":       # label rows without a "Kerngegevens" heading
                self.section = "kerngegevens"
            _set_field(self.cur, label, value)

    def para(self, text: str) -> None:
        if self.cur is None or (self.section in ("other", "history") and self.numbered):
            self.loose.append(text)
            if self.cur is None:
                return
        if self.section == "desc":
            if text.lower().startswith("kerngegevens"):
                self.section = "kerngegevens"
            else:
                self.desc.append(text)
        elif self.section == "kerngegevens":
            m = _LABEL_LINE.match(text)
            if m:
                self.row(m.group("label"), m.group("value"))
            elif text.lower().startswith("uit de stukken"):
                self.section = "quotes"
            elif QUOTE_SOURCE.match(text):     # the quote follows the rows directly (rappel lists)
                self.section = "quotes"
                _quote(self.cur, text)
        elif self.section == "quotes":
            _quote(self.cur, text)


QUOTE_SOURCE = re.compile(r"^(Handelingen|Kamerstukken|Stenogram)\b")


def _quote(cur: EkToezegging, text: str) -> None:
    if text.rstrip().endswith(":") and len(text) < 300:
        cur.quotes.append({"source": text.rstrip().rstrip(":").strip(), "text": ""})
    elif QUOTE_SOURCE.match(text) and len(text) < 300 and "\n" not in text:
        cur.quotes.append({"source": text.strip(), "text": ""})
    elif cur.quotes:
        q = cur.quotes[-1]
        q["text"] = (q["text"] + "\n" + text).strip()
    else:
        cur.quotes.append({"source": "", "text": text})


def parse_toezeggingen(html: bytes | str, url: str = "") -> list[EkToezegging]:
    """All toezeggingen on a page (a detail page has one, a rappel list many)."""
    soup = BeautifulSoup(html, "lxml")
    root = soup.find("main") or soup.body or soup
    r = _Reader(url, _headings_by_number(soup))
    for it in linearize(root):
        if it[0] == "h":
            r.heading(it[1])
        elif it[0] == "kv":
            r.row(it[1], it[2])
        elif it[0] == "sep":
            if r.numbered:
                r.section = "other"
        elif it[0] == "a":
            if r.cur is not None and r.section == "docs" and it[2]:
                r.cur.documents.append({"text": it[1], "url": urljoin(url, it[2]) if url else it[2]})
        else:
            r.para(it[1])
    r.close()
    return _merge_repeats(r.found)


def _merge_repeats(found: list[EkToezegging]) -> list[EkToezegging]:
    """One record per number (a page may show a toezegging twice): later copies fill the gaps."""
    merged: dict[str, EkToezegging] = {}
    for t in found:
        if t.nummer in merged:
            old = merged[t.nummer]
            for k, v in asdict(t).items():
                if getattr(old, k) in (None, "", []) and v not in (None, "", []):
                    setattr(old, k, v)
        else:
            merged[t.nummer] = t
    return list(merged.values())


def _set_field(t: EkToezegging, label: str, value: str) -> None:
    key = LABELS.get(_one_line(label).lower().rstrip(":"))
    if key is None:
        return
    value = value.strip()
    if key == "nummer":
        m = T_NUMBER.search(value)
        if m:
            t.nummer = m.group(0)
    elif key in ("datum", "deadline"):
        setattr(t, "date" if key == "datum" else "deadline", nl_date(value))
    elif key == "status":
        t.status = _one_line(value)
    elif key == "kamerstukken":
        t.kamerstukken_text = value
        t.kamerstukken = _dossiers(value)
    elif key in ("responsible", "former_responsible", "members", "topics"):
        setattr(t, key, "; ".join(x.strip() for x in value.split("\n") if x.strip()))
    else:
        setattr(t, key, _one_line(value))


_MINISTER = re.compile(r"^(?:huidige\s+|voormalige\s+)?(?:de\s+)?(?:minister(?:-president)?|staatssecretaris|"
                       r"bewindspersoon)\s+(?:van|voor)\s+(?P<name>.+)$", re.I)


def ministry_name(responsible: Optional[str]) -> Optional[str]:
    """'Minister van Binnenlandse Zaken en Koninkrijksrelaties' -> 'Binnenlandse Zaken en Koninkrijksrelaties'
    (the first of several responsible ministers)."""
    first = (responsible or "").split(";")[0].strip()
    m = _MINISTER.match(first)
    return m.group("name").strip() if m else (first or None)


def toezegging_rows(t: EkToezegging) -> tuple[dict, dict]:
    rid = f"ek-{t.nummer}"
    text = t.text or t.title
    ministry = ministry_name(t.responsible)
    entry = {
        "id": rid, "register": "ek", "nummer": t.nummer, "text": text, "status": t.status,
        "due_date": t.deadline, "ministry": ministry, "person": None, "function": t.responsible,
        "fulfilling_letters": json.dumps([d["url"] for d in t.documents], ensure_ascii=False),
        "activiteit": json.dumps({"soort": t.activity, "commissie": t.committee, "datum": t.date},
                                 ensure_ascii=False, sort_keys=True),
        "raw": json.dumps(asdict(t), ensure_ascii=False, sort_keys=True), "members": t.members,
        "category": t.category, "topics": t.topics,
        "kamerstukken": json.dumps(t.kamerstukken, ensure_ascii=False) if t.kamerstukken else None,
    }
    commitment = {
        "id": rid, "doc_id": None, "idx": None, "text": text, "actor": t.responsible,
        "ministry": ministry_code(t.responsible or "") or ministry, "topic": t.title or None,
        "member": t.members, "date": t.date, "deadline_end": t.deadline, "deadline_kind": "by" if t.deadline else None,
        "source": "ek_register", "register_status": t.status, "register_id": rid,
    }
    return entry, commitment


def store_toezeggingen(store: Store, items: Iterable[EkToezegging]) -> dict:
    counts = {"new": 0, "changed": 0, "same": 0}
    for t in items:
        counts[upsert_register(store, *toezegging_rows(t))] += 1
    return counts


# ---------------------------------------------------------------------------- crawling

# eerstekamer.nl overviews go on through "verder" (?start_00j=20); other sites say "volgende"
NEXT_LABELS = ("volgende", "volgende pagina", "verder", "next")


def detail_links(html: bytes | str, page_url: str, pattern: re.Pattern) -> tuple[list[str], Optional[str]]:
    """Links to detail pages on an overview page, and the next overview page (rel=next, "volgende", "verder")."""
    soup = BeautifulSoup(html, "lxml")
    host = urlparse(page_url).netloc
    out: list[str] = []
    nxt = None
    for a in soup.find_all("a", href=True):
        href = urljoin(page_url, a["href"])
        if urlparse(href).netloc != host:
            continue
        label = _one_line(a.get_text(" ")).lower()
        rel = " ".join(a.get("rel") or []).lower()
        if nxt is None and ("next" in rel or label.strip("›» ") in NEXT_LABELS or label in ("›", "»")):
            nxt = href
            continue
        if pattern.search(href) or pattern.search(a.get_text(" ")):
            href = href.split("#")[0]
            if href != page_url and href not in out:
                out.append(href)
    return out, nxt


def crawl_overview(client: HttpClient, start_url: str, pattern: re.Pattern, *, max_pages: int,
                   on_page: Optional[Callable[[object], None]] = None) -> tuple[list[str], int]:
    """Follow an overview's "volgende"/"verder" pages from `start_url` (each page once, at most `max_pages`) and
    collect the detail-page links matching `pattern`, in order, without repeats. `on_page(resp)` sees each
    overview page (the EK toezeggingen overview carries data of its own). Returns (links, pages read)."""
    page_url: Optional[str] = start_url
    seen: set[str] = set()
    details: list[str] = []
    while page_url and page_url not in seen and len(seen) < max_pages:
        seen.add(page_url)
        resp = client.get(page_url, expect="html")
        if on_page:
            on_page(resp)
        links, page_url = detail_links(resp.content, resp.url, pattern)
        # links to other hosts or schemes are not followed (a hostile page cannot send the crawl elsewhere)
        links = [u for u in links if same_source(start_url, u, client.allowed_hosts)]
        page_url = page_url if page_url and same_source(start_url, page_url, client.allowed_hosts) else None
        details += [u for u in links if u not in details and u not in seen]
    return details, len(seen)


def fetch_or_record(store: Store, key: str, fn: Callable[[], object]):
    """`fn()`, or None when it failed with an HTTP error (404, a not-found page, 5xx after retries): that error
    is recorded against `key` and the batch goes on. A failure without a status (no connection) is raised."""
    try:
        return fn()
    except FetchError as exc:
        if exc.status is None:
            raise
        store.record_error(key, f"{type(exc).__name__}: {exc}")
        return None


TOEZEGGING_LINK = re.compile(r"/toezegging/|\(T\d{5}\)|[?&]toezegging=|/rappel\?", re.I)


def fetch_ek_toezeggingen(store: Store, client: HttpClient, *, ek_url: Optional[str] = None,
                          list_path: str = "/toezeggingen", max_pages: int = 500,
                          progress: Optional[ProgressFn] = None) -> dict:
    """Crawl the toezeggingen overview (following "volgende"), parse each detail page, store the rows.
    Overview pages that themselves carry full toezeggingen (rappel lists) are parsed too."""
    base = base_url("KAMERSTUKKEN_EK_URL", ek_url)
    parsed: dict[str, EkToezegging] = {}
    errors = 0

    def read_overview(resp) -> None:
        for t in parse_toezeggingen(resp.content, resp.url):
            parsed.setdefault(t.nummer, t)
    details, pages = crawl_overview(client, base + list_path, TOEZEGGING_LINK, max_pages=max_pages,
                                    on_page=read_overview)
    for i, u in enumerate(details, 1):
        if progress:
            progress(u, i, len(details))
        resp = fetch_or_record(store, u, lambda: client.get(u, expect="html"))
        if resp is None:
            errors += 1
            continue
        for t in parse_toezeggingen(resp.content, resp.url):
            parsed[t.nummer] = t
    counts = store_toezeggingen(store, parsed.values())
    from ..register import unknown_statuses  # noqa: PLC0415
    return {**counts, "pages": pages, "details": len(details), "toezeggingen": len(parsed),
            "errors": errors, "unknown_statuses": unknown_statuses(store)}


# ---------------------------------------------------------------------------- motions (ek_motion.py)

from .ek_motion import EkMotion, fetch_ek_moties, parse_motie_page, store_ek_motion  # noqa: E402,F401
