"""An Eerste Kamer motion page (eerstekamer.nl/motie/<slug>), read from its real layout.

The page title stands outside `<main>` (in `<title>`/`<h1>` of the page frame, or absent from a saved `<main>`);
inside `<main>` a paragraph says what the motion asks, and "Kerngegevens" is a table of `<th scope="row">`
rows with lower-case labels:

    nummer                       "37.020, M"  (also "36.200 VII, K", "35.788, letter D")
    ingediend                    "6 oktober 2026"
    bij                          the debate ("de Algemene Politieke Beschouwingen")
    behandelstatus               "verworpen" / "aangenomen" / "ingetrokken" / "aangehouden"
    toelichting behandelstatus   "Op 6 oktober 2026 na stemming bij zitten en opstaan verworpen. SGP, PVV, … stemden voor."
    indiener(s), mede ondertekend door   one person per link: "A.J.A. Beukering (Beukering)"
    dossier(s)                   "Miljoenennota 2027 (37.020)"
    uitvoeringsstatus            (adopted motions since 2019)

Older or differently written pages with "Status", "Datum", "Kamerstuknummer" and a title "(35.788, letter D)"
are read by the same code. No I/O here.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from bs4 import BeautifulSoup

from ..store import Store
from .eerstekamer import _one_line, crawl_overview, fetch_or_record, linearize, nl_date
from .http import HttpClient, base_url
from .odata import add_known_from, merge_upsert

ProgressFn = Callable[[str, int, Optional[int]], None]

NUMMER = re.compile(r"(\d{2})\.?(\d{3})(?:\s*\((R\d+)\))?(?:[\s-]+([IVXLC]+|[A-Z]{1,3}))?\s*,?\s*"
                    r"(?:letter|nr\.?)?\s*\b([A-Z]{1,3}|\d{1,3})\b")
_LABELS = {
    "nummer": "nummer", "kamerstuknummer": "nummer", "kenmerk": "nummer", "kamerstuk": "nummer",
    "ingediend": "date", "datum": "date", "bij": "debate", "behandelstatus": "status", "status": "status",
    "toelichting behandelstatus": "status_note", "uitvoeringsstatus": "uitvoeringsstatus",
    "indiener(s)": "submitters", "indieners": "submitters", "indiener": "submitters",
    "mede ondertekend door": "cosigners", "dossier(s)": "dossiers", "dossier": "dossiers",
}
_VOTES = re.compile(r"(?P<who>[^.]*?)\s+(?:stemden|stemde)\s+(?P<how>voor|tegen)\b", re.I)
_DOSSIER_IN = re.compile(r"\((\d{2})\.?(\d{3})(?:\s+([A-Z]{1,4}))?\)")


@dataclass
class EkMotion:
    id: Optional[str]
    title: str = ""
    uitvoeringsstatus: Optional[str] = None
    status: Optional[str] = None                       # the decision: verworpen, aangenomen, ...
    date: Optional[str] = None                         # ingediend
    submitters: list[str] = field(default_factory=list)
    cosigners: list[str] = field(default_factory=list)
    debate: Optional[str] = None
    status_note: Optional[str] = None
    vote_date: Optional[str] = None
    parties_for: list[str] = field(default_factory=list)
    parties_against: list[str] = field(default_factory=list)
    dossiers: list[str] = field(default_factory=list)
    summary: Optional[str] = None
    url: Optional[str] = None


def motion_id(nummer: str) -> Optional[str]:
    """'37.020, M' -> kst-37020-M; '36.200 VII, K' -> kst-36200-VII-K; '35.788, letter D' -> kst-35788-D."""
    m = NUMMER.search(nummer or "")
    if not m:
        return None
    dossier = m.group(1) + m.group(2) + "".join(f"-{g}" for g in (m.group(3), m.group(4)) if g)
    return f"kst-{dossier}-{m.group(5)}"


def split_parties(text: str) -> list[str]:
    """'SGP, PVV, BBB, Fractie-Van de Sanden en GL-PvdA' -> the five names."""
    parts = re.split(r",\s*|\s+en\s+", _one_line(text))
    return [p.strip() for p in parts if p.strip() and not re.match(r"(?i)^(de leden van|de fracties? van)$", p)]


def read_vote(note: str) -> tuple[Optional[str], list[str], list[str]]:
    """(vote date, parties for, parties against) from 'Op 6 oktober 2026 na stemming … verworpen. X, Y stemden voor.'"""
    date = nl_date(note) if note else None
    votes: dict[str, list[str]] = {"voor": [], "tegen": []}
    for sentence in re.split(r"(?<=\.)\s+", note or ""):
        m = _VOTES.search(sentence)
        if m:
            votes[m.group("how").lower()] += split_parties(re.sub(r"(?i)^.*?\b(?:verworpen|aangenomen)\b[.,]?\s*",
                                                                  "", m.group("who")))
    return date, votes["voor"], votes["tegen"]


def _people(value: str) -> list[str]:
    return [_one_line(s) for s in re.split(r"\n|;", value or "") if s.strip()]


def _fields(items: list[tuple]) -> dict[str, str]:
    out: dict[str, str] = {}
    for it in items:
        if it[0] == "kv":
            key = _LABELS.get(_one_line(it[1]).lower().rstrip(":"))
            if key:
                out.setdefault(key, it[2])
        elif it[0] == "p":
            m = re.match(r"^(Uitvoeringsstatus|Status|Kamerstuknummer|Kenmerk|Datum|Indiener\(s\)|Indieners?)"
                         r"\s*[:|]?\s+(.+)$", it[1], re.I | re.S)
            if m:
                out.setdefault(_LABELS[m.group(1).lower()], m.group(2))
    return out


def _title(soup, items: list[tuple]) -> str:
    heads = [it[1] for it in items if it[0] == "h" and not it[1].lower().startswith("kerngegevens")]
    h1 = soup.find("h1")
    title = soup.head.find("title") if soup.head else None   # not an <svg><title> in the body
    cands = heads + ([_one_line(h1.get_text(" "))] if h1 else []) + \
        ([re.split(r"\s+[-|]\s+Eerste Kamer", _one_line(title.get_text(" ")))[0]] if title else [])
    return next((c for c in cands if "motie" in c.lower()), cands[0] if cands else "")


def parse_motie_page(html: bytes | str, url: str = "") -> Optional[EkMotion]:
    """An EK motion page -> EkMotion, or None when the page names neither a motion number nor a status."""
    soup = BeautifulSoup(html, "lxml")
    root = soup.find("main") or soup.body or soup
    items = linearize(root)
    f = _fields(items)
    title = _title(soup, items)
    mid = motion_id(f.get("nummer", "")) or motion_id(title if re.search(r"(?i)letter|nr\.?\s", title) else "")
    uitv = f.get("uitvoeringsstatus")
    if not (mid or uitv):
        return None
    note = _one_line(f.get("status_note", "")) or None
    vote_date, pro, contra = read_vote(note or "")
    summary = next((it[1] for it in items if it[0] == "p" and re.match(r"(?i)^in deze motie\b", it[1])), None)
    lower = (lambda v: _one_line(v).lower() if v else None)
    return EkMotion(
        id=mid, title=_one_line(title) or (f"Motie {_one_line(f['nummer'])}" if f.get("nummer") else ""),
        uitvoeringsstatus=lower(uitv), status=lower(f.get("status")), date=nl_date(f.get("date")),
        submitters=_people(f.get("submitters", "")), cosigners=_people(f.get("cosigners", "")),
        debate=_one_line(f["debate"]) if f.get("debate") else None, status_note=note, vote_date=vote_date,
        parties_for=pro, parties_against=contra, summary=summary, url=url or None,
        dossiers=["".join(g for g in (m.group(1), m.group(2)) if g) + (f"-{m.group(3)}" if m.group(3) else "")
                  for m in _DOSSIER_IN.finditer(f.get("dossiers", ""))])


# ---------------------------------------------------------------------------- storing and crawling

def motion_row(m: EkMotion) -> dict:
    dumps = (lambda v: json.dumps(v, ensure_ascii=False) if v else None)
    dossier = m.id.split("-", 1)[1].rsplit("-", 1)[0] if m.id else None
    return {"id": m.id, "title": m.title, "date": m.date, "dossier": dossier, "uitvoeringsstatus": m.uitvoeringsstatus,
            "besluit": m.status, "besluit_source": "eerstekamer.nl" if m.status else None, "submitters": dumps(m.submitters), "cosigners": dumps(m.cosigners),
            "debate": m.debate, "besluit_note": m.status_note, "vote_date": m.vote_date,
            "parties_for": dumps(m.parties_for), "parties_against": dumps(m.parties_against),
            "summary": m.summary, "known_from": "ek"}


def store_ek_motion(store: Store, m: EkMotion) -> str:
    """Upsert the motion (merging with what open data or its own document said); 'skipped' without an id."""
    if not m.id:
        return "skipped"
    row = motion_row(m)
    with store.transaction():
        row["known_from"] = add_known_from(store, m.id, "ek")
        return merge_upsert(store, "motions", row, keep_if_set=("title", "date", "submitters", "dossier"))


MOTIE_LINK = re.compile(r"/motie/|[?&]motie=", re.I)


def fetch_ek_moties(store: Store, client: HttpClient, *, ek_url: Optional[str] = None, list_path: str = "/moties",
                    max_pages: int = 500, progress: Optional[ProgressFn] = None) -> dict:
    """Crawl the motion overview (following "verder"/"volgende") and store every motion page."""
    base = base_url("KAMERSTUKKEN_EK_URL", ek_url)
    details, pages = crawl_overview(client, base + list_path, MOTIE_LINK, max_pages=max_pages)
    counts = {"new": 0, "changed": 0, "same": 0, "skipped": 0, "errors": 0}
    for i, u in enumerate(details, 1):
        if progress:
            progress(u, i, len(details))
        resp = fetch_or_record(store, u, lambda: client.get(u, expect="html"))
        if resp is None:
            counts["errors"] += 1
            continue
        m = parse_motie_page(resp.content, resp.url)
        counts[store_ek_motion(store, m) if m else "skipped"] += 1
    return {**counts, "pages": pages, "details": len(details)}
