"""Raad voor het openbaar bestuur (ROB): advice reports, and the cabinet's reaction letters found through SRU.

No recorded copy of raadopenbaarbestuur.nl pages was available; the crawler follows the documented structure
of the site (a Rijksoverheid-platform site): an overview lists advice pages whose addresses look like
`/documenten/publicaties/2016/03/09/<slug>` or `/adviezen/<slug>`; an advice page has the title in <h1>, the
publication date in the address or in a "dd-mm-yyyy" / "9 maart 2016" line near the top (or a DCTERMS meta
tag), an introduction, and a download link to the report (PDF). The report is parsed with
`kamerstukken.parse.parse`; without a PDF the page text itself becomes the document (kind 'advice').

Cabinet reactions: an SRU full-text query for "kabinetsreactie" plus the advice title; hits whose title speaks
of a reaction are downloaded like any kamerstuk and recorded on both documents' `meta` (the link stage decides).
"""
from __future__ import annotations

import re
from typing import Callable, Optional
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup

from ..models import Document, Paragraph, Source, content_hash
from ..store import Store
from .eerstekamer import crawl_overview, fetch_or_record, nl_date
from .http import FetchError, HttpClient, base_url

ProgressFn = Callable[[str, int, Optional[int]], None]

# /documenten/publicaties/2016/03/09/<slug>, /documenten/2019/03/14/<slug> (no type segment),
# /over-de-rob/documenten/publicaties/…, /over-de-rob/documenten/kabinetsreacties/2009/11/19/<slug>, /adviezen/<slug>
ADVICE_LINK = re.compile(r"/documenten/(?:[a-z-]+/)?\d{4}/\d{2}/\d{2}/[^/?#]+|/adviezen/[^/?#]+$")
REACTION_PAGE = re.compile(r"/documenten/kabinetsreacties/")
PDF_LINK = re.compile(r"\.pdf(?:$|[?#])|/binaries/|/files?(?:$|[/?])", re.I)


def _slug(url: str) -> str:
    path = urlparse(url).path.rstrip("/")
    slug = path.rsplit("/", 1)[-1] or "index"
    return re.sub(r"[^a-z0-9-]+", "-", slug.lower()).strip("-")[:80] or "index"


def parse_advice_page(html: bytes | str, url: str) -> dict:
    """{title, date, intro, pdf_url, paragraphs} from an advice page."""
    soup = BeautifulSoup(html, "lxml")
    main = soup.find("main") or soup.find("article") or soup.body or soup
    h1 = main.find("h1") or soup.find("h1")
    title = re.sub(r"\s+", " ", h1.get_text(" ")).strip() if h1 else ""
    date = None
    m = re.search(r"/(\d{4})/(\d{2})/(\d{2})/", urlparse(url).path)
    if m:
        date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    if not date:
        for name in ("DCTERMS.issued", "DCTERMS.available", "DC.date", "dcterms:issued"):
            tag = soup.find("meta", attrs={"name": name})
            if tag and tag.get("content"):
                date = nl_date(tag["content"])
                if date:
                    break
    paragraphs = []
    for el in main.find_all(["p", "li", "h2", "h3"]):
        if el.find_parent(["nav", "header", "footer", "aside"]):
            continue
        t = re.sub(r"\s+", " ", el.get_text(" ")).strip()
        if t:
            paragraphs.append((el.name, t))
    if not date:
        for _, t in paragraphs[:6]:
            d = nl_date(t) if len(t) < 80 else None
            if d:
                date = d
                break
    pdf_url = None
    for a in main.find_all("a", href=True):
        href = a["href"]
        label = a.get_text(" ").lower()
        if PDF_LINK.search(href) or ("download" in label and "pdf" in label):
            pdf_url = urljoin(url, href)
            break
    intro = next((t for name, t in paragraphs if name == "p" and len(t) > 60), "")
    return {"title": title, "date": date, "intro": intro, "pdf_url": pdf_url, "paragraphs": paragraphs}


def page_document(info: dict, url: str, body: bytes) -> Document:
    """The advice page itself as a Document (used when there is no report to download)."""
    text, paras = "", []
    for name, t in info["paragraphs"]:
        start = len(text)
        text += t + "\n\n"
        paras.append(Paragraph(start, start + len(t), "heading" if name in ("h2", "h3") else "para"))
    return Document(id=f"rob-{_slug(url)}", kind="advice", title=info["title"], date=info["date"], text=text.rstrip(),
                    paragraphs=paras, sources=[Source("ob-html", url, content_hash(body))],
                    meta={"rob_url": url})


def fetch_advice(store: Store, client: HttpClient, url: str, *, parse=None) -> Document:
    resp = client.get(url, expect="html")
    info = parse_advice_page(resp.content, resp.url)
    doc = None
    if info["pdf_url"]:
        try:
            pdf = client.get(info["pdf_url"], expect="pdf")
            if parse is None:
                from ..parse import parse as parse  # noqa: PLC0415
            doc = parse(pdf.content, pdf.url, "pdf")
            pdf_hash = pdf.hash or content_hash(pdf.content)
            doc.sources = [s for s in doc.sources if s.content_hash == pdf_hash] or [Source("pdf", pdf.url, pdf_hash)]
        except Exception as exc:  # noqa: BLE001 - a broken PDF falls back to the page text
            if isinstance(exc, FetchError) and exc.status is None:
                raise
            store.record_error(info["pdf_url"], f"{type(exc).__name__}: {exc}")
    if doc is None:
        doc = page_document(info, resp.url, resp.content)
    else:
        doc.sources.append(Source("ob-html", resp.url, resp.hash or content_hash(resp.content)))
    reaction = bool(REACTION_PAGE.search(resp.url))
    doc.id = f"rob-{_slug(resp.url)}"
    doc.kind = "letter" if reaction else "advice"    # a cabinet reaction is the government's letter
    doc.title = info["title"] or doc.title
    doc.date = info["date"] or doc.date
    if not reaction:
        doc.sender = doc.sender or "Raad voor het openbaar bestuur"
    doc.meta = {**(doc.meta or {}), "rob_url": resp.url, "pdf_url": info["pdf_url"], "intro": info["intro"],
                "rob_page": "kabinetsreactie" if reaction else "advies"}
    store.upsert_document(doc)
    return doc


def find_reactions(store: Store, client: HttpClient, advice: Document, *, sru_url: Optional[str] = None,
                   ob_url: Optional[str] = None, max_hits: int = 5) -> list[str]:
    """Cabinet reaction letters to an advice, through SRU: "kabinetsreactie" AND the advice title."""
    from .sru import build_query, fetch_record, search, SruDiagnostic  # noqa: PLC0415
    title = re.sub(r"[\"«»“”]", "", advice.title or "").strip()
    if not title:
        return []
    q = build_query(text="kabinetsreactie", extra=f'cql.textAndIndexes="{title}"')
    ids = []
    try:
        hits = list(search(client, q, page_size=max_hits, sru_url=sru_url, max_records=max_hits))
    except SruDiagnostic as exc:
        store.record_error(f"sru:{q}", str(exc))
        return []
    for rec in hits:
        t = f"{rec.title} {rec.documenttitel or ''}".lower()
        if "reactie" not in t:
            continue
        try:
            doc = fetch_record(store, client, rec, ob_url=ob_url)
        except (FetchError, ValueError) as exc:
            store.record_error(rec.identifier, f"{type(exc).__name__}: {exc}")
            continue
        doc.meta = {**doc.meta, "responds_to_advice": advice.id}
        store.upsert_document(doc)
        ids.append(doc.id)
    if ids:
        advice.meta = {**advice.meta, "kabinetsreactie_candidates": ids}
        store.upsert_document(advice)
    return ids


def fetch_rob(store: Store, client: HttpClient, *, rob_url: Optional[str] = None, list_path: str = "/adviezen",
              reactions: bool = True, sru_url: Optional[str] = None, ob_url: Optional[str] = None,
              max_pages: int = 200, limit: Optional[int] = None, progress: Optional[ProgressFn] = None) -> dict:
    base = base_url("KAMERSTUKKEN_ROB_URL", rob_url)
    links, pages = crawl_overview(client, base + list_path, ADVICE_LINK, max_pages=max_pages)
    if limit:
        links = links[:limit]
    out = {"pages": pages, "advices": 0, "reactions": 0, "errors": 0, "ids": []}
    for i, u in enumerate(links, 1):
        if progress:
            progress(u, i, len(links))
        doc = fetch_or_record(store, u, lambda: fetch_advice(store, client, u))
        if doc is None:
            out["errors"] += 1
            continue
        out["ids"].append(doc.id)
        if doc.kind == "letter":            # a kabinetsreactie page of the ROB site itself
            out["reactions"] += 1
            continue
        out["advices"] += 1
        if reactions:
            out["reactions"] += len(find_reactions(store, client, doc, sru_url=sru_url, ob_url=ob_url))
    return out
