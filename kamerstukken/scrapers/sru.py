"""officielebekendmakingen through the KOOP SRU 2.0 endpoint (repository.overheid.nl/sru).

- `build_query(...)`: CQL for dossier, date range, vergaderjaar, subrubriek (Motie, Brief, …), publicatienaam,
  full text, identifier;
- `parse_response(xml)`: numberOfRecords and gzd records (identifier, title, dates, dossier, enrichedData
  itemUrls per manifestation); an HTTP 200 carrying <diagnostics> raises `SruDiagnostic`;
- `search(...)`: pages through numberOfRecords with startRecord/maximumRecords;
- `fetch_kamerstukken(store, ...)`: search, then download each hit as XML (preferred) else HTML else PDF
  (onopgemaakt kamerstukken are PDF only) plus metadata.xml, parse with `kamerstukken.parse.parse`, upsert.
  A cursor per query keeps the position, so an interrupted run resumes where it stopped; a finished query
  remembers the newest `modified` date and the next run asks only for what changed since;
- `fetch_kamerstuk(store, "kst-35300-VII-109")`: one document straight from zoek.officielebekendmakingen.nl.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterator, Optional

from lxml import etree

from ..models import Document, Source, content_hash
from ..store import Store
from .http import FetchError, HttpClient, NotFound, base_url, check_url

ProgressFn = Callable[[str, int, Optional[int]], None]

FORMAT_PREFERENCE = ("xml", "html", "pdf")
SOURCE_FORMAT = {"xml": "kst-xml", "html": "ob-html", "pdf": "pdf"}
KIND_BY_SUBRUBRIEK = {"motie": "motion", "brief": "letter"}


class SruDiagnostic(FetchError):
    """The SRU server answered (often with HTTP 200) with a <diagnostics> block instead of results."""

    def __init__(self, message: str, uri: str = "", url: str = ""):
        super().__init__(message, url, 200)
        self.uri = uri


@dataclass
class SruRecord:
    identifier: str
    title: str = ""
    type: Optional[str] = None
    creator: Optional[str] = None
    modified: Optional[str] = None
    date: Optional[str] = None
    available: Optional[str] = None
    issued: Optional[str] = None
    publicatienaam: Optional[str] = None
    vergaderjaar: Optional[str] = None
    dossiernummer: Optional[str] = None
    ondernummer: Optional[str] = None
    subrubriek: Optional[str] = None
    documenttitel: Optional[str] = None
    dossiertitel: Optional[str] = None
    documentstatus: Optional[str] = None
    content_area: Optional[str] = None
    url: Optional[str] = None
    preferred_url: Optional[str] = None
    items: dict[str, str] = field(default_factory=dict)   # manifestation -> url
    position: Optional[int] = None

    def to_meta(self) -> dict:
        d = asdict(self)
        d.pop("position", None)
        return {k: v for k, v in d.items() if v not in (None, "", {})}


@dataclass
class SruPage:
    number_of_records: int
    records: list[SruRecord]
    next_position: Optional[int] = None


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _first_text(el, name: str) -> Optional[str]:
    for x in el.iter():
        if _local(x.tag) == name:
            t = (x.text or "").strip()
            return t or None
    return None


def cql_value(v: str) -> str:
    v = str(v)
    if re.fullmatch(r"[0-9A-Za-z.]+", v):
        return v
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_query(*, dossier: Optional[str] = None, since: Optional[str] = None, until: Optional[str] = None,
                vergaderjaar: Optional[str] = None, subrubriek: Optional[str] = None,
                publicatienaam: Optional[str] = "Kamerstuk", text: Optional[str] = None,
                identifier: Optional[str] = None, creator: Optional[str] = None,
                modified_since: Optional[str] = None, extra: Optional[str] = None,
                sort: bool = True) -> str:
    parts = ["c.product-area==officielepublicaties"]
    if publicatienaam:
        parts.append(f"w.publicatienaam=={cql_value(publicatienaam)}")
    if dossier:
        parts.append(f"w.dossiernummer=={cql_value(dossier)}")
    if vergaderjaar:
        parts.append(f"w.vergaderjaar=={cql_value(vergaderjaar)}")
    if subrubriek:
        parts.append(f"w.subrubriek=={cql_value(subrubriek)}")
    if creator:
        parts.append(f"dt.creator=={cql_value(creator)}")
    if identifier:
        parts.append(f"dt.identifier=={cql_value(identifier)}")
    if since:
        parts.append(f"dt.date>={since}")
    if until:
        parts.append(f"dt.date<={until}")
    if modified_since:
        parts.append(f"dt.modified>={modified_since}")
    if text:
        parts.append(f"cql.textAndIndexes={cql_value(text)}")
    if extra:
        parts.append(f"({extra})")
    q = " AND ".join(parts)
    return q + (" sortBy dt.identifier/sort.ascending" if sort else "")


def parse_response(data: bytes, url: str = "") -> SruPage:
    try:
        root = etree.fromstring(data.lstrip(b"\xef\xbb\xbf \r\n\t"),
                                parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise FetchError(f"SRU response is not XML: {exc}", url, 200) from None
    if _local(root.tag) != "searchRetrieveResponse":
        raise FetchError(f"not an SRU searchRetrieveResponse but <{_local(root.tag)}>", url, 200)
    for el in root:
        if _local(el.tag) == "diagnostics":
            diag_uri = _first_text(el, "uri") or ""
            msg = _first_text(el, "message") or "SRU diagnostic"
            details = _first_text(el, "details")
            raise SruDiagnostic(f"SRU diagnostic {diag_uri}: {msg}" + (f" ({details})" if details else ""),
                                diag_uri, url)
    n_text = None
    records_el = None
    next_pos = None
    for el in root:
        name = _local(el.tag)
        if name == "numberOfRecords":
            n_text = (el.text or "").strip()
        elif name == "records":
            records_el = el
        elif name == "nextRecordPosition":
            try:
                next_pos = int((el.text or "").strip())
            except ValueError:
                next_pos = None
    try:
        n = int(n_text) if n_text else 0
    except ValueError:
        raise FetchError(f"bad numberOfRecords {n_text!r}", url, 200) from None
    records = [parse_record(r) for r in (records_el if records_el is not None else []) if _local(r.tag) == "record"]
    return SruPage(n, [r for r in records if r is not None], next_pos)


def parse_record(rec) -> Optional[SruRecord]:
    fields: dict[str, Optional[str]] = {}
    items: dict[str, str] = {}
    url = preferred = None
    position = None
    wanted = {"identifier", "title", "type", "creator", "modified", "date", "available", "issued",
              "publicatienaam", "vergaderjaar", "dossiernummer", "ondernummer", "subrubriek", "documenttitel",
              "dossiertitel", "documentstatus", "content-area"}
    for el in rec.iter():
        name = _local(el.tag)
        text = (el.text or "").strip()
        if name == "itemUrl" and text:
            items[el.get("manifestation") or f"item{len(items)}"] = text
        elif name == "url" and text:
            url = text
        elif name == "preferredUrl" and text:
            preferred = text
        elif name == "recordPosition" and text.isdigit():
            position = int(text)
        elif name in wanted and text and name not in fields:
            fields[name] = text
    ident = fields.get("identifier")
    if not ident:
        return None
    return SruRecord(
        identifier=ident, title=fields.get("title") or "", type=fields.get("type"),
        creator=fields.get("creator"), modified=fields.get("modified"), date=fields.get("date"),
        available=fields.get("available"), issued=fields.get("issued"),
        publicatienaam=fields.get("publicatienaam"), vergaderjaar=fields.get("vergaderjaar"),
        dossiernummer=fields.get("dossiernummer"), ondernummer=fields.get("ondernummer"),
        subrubriek=fields.get("subrubriek"), documenttitel=fields.get("documenttitel"),
        dossiertitel=fields.get("dossiertitel"), documentstatus=fields.get("documentstatus"),
        content_area=fields.get("content-area"), url=url, preferred_url=preferred, items=items,
        position=position)


def search_page(client: HttpClient, query: str, start: int = 1, page_size: int = 100, *,
                sru_url: Optional[str] = None) -> SruPage:
    base = base_url("KAMERSTUKKEN_SRU_URL", sru_url)
    params = {"version": "2.0", "operation": "searchRetrieve", "x-connection": "oep", "recordSchema": "gzd",
              "query": query, "startRecord": start, "maximumRecords": page_size}
    resp = client.get(base, params, expect="xml", conditional=False)
    return parse_response(resp.content, resp.url)


def search(client: HttpClient, query: str, *, start: int = 1, page_size: int = 100,
           sru_url: Optional[str] = None, max_records: Optional[int] = None) -> Iterator[SruRecord]:
    """All records of a query, page by page (startRecord), bounded by numberOfRecords."""
    pos = max(1, start)
    seen = 0
    previous: Optional[list[str]] = None
    while True:
        page = search_page(client, query, pos, page_size, sru_url=sru_url)
        if not page.records:
            return
        ids = [r.identifier for r in page.records]
        if ids == previous:   # the server ignores startRecord: the same page forever
            raise FetchError(f"SRU paging does not advance: startRecord={pos} returned the same records as the "
                             f"page before ({ids[0]} …); stopped", "", 200)
        previous = ids
        for i, rec in enumerate(page.records):
            if rec.position is None:
                rec.position = pos + i
            yield rec
            seen += 1
            if max_records is not None and seen >= max_records:
                return
        nxt = page.next_position or (pos + len(page.records))
        if nxt <= pos:
            raise FetchError(f"SRU paging does not advance: nextRecordPosition {nxt} after startRecord {pos}; "
                             f"stopped", "", 200)
        if nxt > page.number_of_records:
            return
        pos = nxt


# ---------------------------------------------------------------------------- metadata.xml

def parse_metadata_xml(data: bytes) -> dict:
    """`<metadata_gegevens><metadata name= content=/>…`: name -> value (a list when repeated)."""
    try:
        root = etree.fromstring(data.lstrip(b"\xef\xbb\xbf \r\n\t"),
                                parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return {}
    out: dict = {}
    for el in root.iter():
        if _local(el.tag) != "metadata" or el.getparent() is None or _local(el.getparent().tag) == "metadata":
            continue
        name, value = el.get("name"), el.get("content")
        if not name or value is None:
            continue
        if name in out:
            if not isinstance(out[name], list):
                out[name] = [out[name]]
            out[name].append(value)
        else:
            out[name] = value
    return out


# ---------------------------------------------------------------------------- downloading

def _parser():
    from ..parse import parse  # noqa: PLC0415 (lazy: the parsers are imported only when a document comes in)
    return parse


def _fmt_of(manifestation: str) -> Optional[str]:
    m = manifestation.lower()
    return m if m in FORMAT_PREFERENCE else None


def candidate_urls(rec: SruRecord, ob_url: Optional[str] = None) -> list[tuple[str, str]]:
    """(format, url) to try in order: the record's itemUrls xml > html > pdf, then the OB addresses."""
    out: list[tuple[str, str]] = []
    for fmt in FORMAT_PREFERENCE:
        for man, url in rec.items.items():
            if _fmt_of(man) == fmt:
                out.append((fmt, url))
    if not out and rec.url:
        ext = rec.url.rsplit(".", 1)[-1].lower()
        if ext in FORMAT_PREFERENCE:
            out.append((ext, rec.url))
    if not out:
        ob = base_url("KAMERSTUKKEN_OB_URL", ob_url)
        out += [(f, f"{ob}/{rec.identifier}.{f}") for f in FORMAT_PREFERENCE]
    return out


def _metadata_url(rec: SruRecord, ob_url: Optional[str]) -> str:
    for man, url in rec.items.items():
        if man.lower() == "metadata":
            return url
    return f"{base_url('KAMERSTUKKEN_OB_URL', ob_url)}/{rec.identifier}/metadata.xml"


def _stored_modified(store: Store, doc_id: str) -> Optional[str]:
    row = store.db.execute("select json_extract(meta, '$.sru.modified') from documents where id = ?",
                           [doc_id]).fetchone()
    return row[0] if row else None


def fetch_record(store: Store, client: HttpClient, rec: SruRecord, *, ob_url: Optional[str] = None,
                 parse=None, with_metadata: bool = True, sru_url: Optional[str] = None) -> Document:
    """Download one hit (xml > html > pdf), its metadata.xml, parse, merge SRU fields, upsert. Returns it."""
    if parse is None:
        parse = _parser()
    ob = base_url("KAMERSTUKKEN_OB_URL", ob_url)
    hosts = client.allowed_hosts | {_origin(ob), _origin(base_url("KAMERSTUKKEN_SRU_URL", sru_url))}
    doc, (body, body_fmt, body_url, body_hash) = _first_parsable(client, rec, ob_url, parse, ob, hosts)
    meta_xml: dict = {}
    if with_metadata:
        try:
            meta_url = check_url(_metadata_url(rec, ob_url), ob, f"metadata URL of {rec.identifier}", hosts)
            meta_xml = parse_metadata_xml(client.get(meta_url, expect="xml").content)
        except NotFound:
            meta_xml = {}
    check_identity(doc, rec.identifier, body_url)
    return _finish(store, doc, rec, body, body_fmt, body_url, body_hash, meta_xml)


def _first_parsable(client: HttpClient, rec: SruRecord, ob_url: Optional[str], parse, ob: str, hosts) -> tuple:
    """The first manifestation (xml > html > pdf) that is there and parses: (Document, (body, fmt, url, hash)).
    A manifestation that does not parse (say an XML of a layout the parser does not know) gives way to the
    next one; when none is left, the last error is raised."""
    from ..parse import ParseError  # noqa: PLC0415
    last_exc: Optional[Exception] = None
    for fmt, url in candidate_urls(rec, ob_url):
        try:
            url = check_url(url, ob, f"item URL of {rec.identifier}", hosts)
            resp = client.get(url, expect=fmt)
            return parse(resp.content, resp.url, SOURCE_FORMAT[fmt]), (resp.content, fmt, resp.url, resp.hash)
        except (NotFound, ParseError) as exc:
            last_exc = exc
    if isinstance(last_exc, ParseError):
        raise last_exc
    raise NotFound(f"no xml/html/pdf manifestation found for {rec.identifier}: {last_exc}", rec.identifier)


def _origin(url: str) -> str:
    from .http import origin  # noqa: PLC0415
    return origin(url)


def check_identity(doc: Document, identifier: str, url: str) -> None:
    """The body must be the document asked for: when it names itself (DC.identifier), that name must be
    `identifier` (else the id its dossier and number make). Another document's body served under this record's URL is an error, never a hybrid."""
    md = (doc.meta or {}).get("metadata") or {}
    own = next((v for k, v in md.items() if k.lower() in ("dc.identifier", "dcterms.identifier")), "") \
        if isinstance(md, dict) else ""
    own = (own[0] if isinstance(own, list) and own else own) if own else ""
    own = re.sub(r"\.(html|xml|pdf)$", "", str(own).strip().rsplit("/", 1)[-1])
    own = own or (doc.meta or {}).get("metadata_record_id") or doc.id or ""   # else dossier + number of the body
    if own and own.startswith("kst-") and identifier.startswith("kst-") and own.lower() != identifier.lower():
        raise WrongDocument(f"{url} serves {own}, not {identifier}; not stored", url, 200)


class WrongDocument(FetchError):
    """A body that is another document than the one asked for."""


def _finish(store: Store, doc: Document, rec: SruRecord, body: bytes, fmt: str, url: str,
            body_hash: Optional[str], meta_xml: dict) -> Document:
    doc.id = rec.identifier
    if not doc.kind or doc.kind == "other":
        doc.kind = KIND_BY_SUBRUBRIEK.get((rec.subrubriek or "").lower(), doc.kind or "other")
    doc.title = doc.title or rec.documenttitel or rec.title
    doc.date = doc.date or rec.date or rec.issued or rec.available
    doc.vergaderjaar = doc.vergaderjaar or rec.vergaderjaar
    if not doc.dossier and rec.dossiernummer:
        doc.dossier = rec.dossiernummer
    doc.meta = dict(doc.meta or {})
    doc.meta["sru"] = rec.to_meta()
    if meta_xml:
        doc.meta["ob_metadata"] = meta_xml
    h = body_hash or content_hash(body)
    if not any(s.content_hash == h for s in doc.sources):
        doc.sources.append(Source(SOURCE_FORMAT[fmt], url, h))
    store.upsert_document(doc)
    store.clear_error(rec.identifier)
    return doc


def _cursor_name(query: str) -> str:
    return "sru:" + hashlib.sha1(query.encode("utf-8")).hexdigest()[:16]


def fetch_kamerstukken(store: Store, client: HttpClient, *, dossier: Optional[str] = None,
                       since: Optional[str] = None, until: Optional[str] = None,
                       vergaderjaar: Optional[str] = None, type: Optional[str] = None,
                       publicatienaam: Optional[str] = "Kamerstuk", text: Optional[str] = None,
                       sru_url: Optional[str] = None, ob_url: Optional[str] = None, page_size: int = 100,
                       limit: Optional[int] = None, incremental: bool = True, parse=None,
                       progress: Optional[ProgressFn] = None) -> dict:
    """Search, download and store. Returns a summary dict (found, fetched, unchanged, errors, ids)."""
    filters = dict(dossier=dossier, since=since, until=until, vergaderjaar=vergaderjaar, subrubriek=type,
                   publicatienaam=publicatienaam, text=text)
    base_q = build_query(**filters)
    cname = _cursor_name(base_q)
    state = json.loads(store.get_cursor(cname) or "{}")
    if state.get("running"):
        query, start = state["query"], int(state.get("next") or 1)
    elif incremental and state.get("max_modified"):
        query = build_query(**filters, modified_since=state["max_modified"])
        start = 1
    else:
        query, start = base_q, 1
    run_max = state.get("run_max_modified") if state.get("running") else None
    summary = {"query": query, "resumed_at": start if state.get("running") else None, "found": 0,
               "fetched": 0, "unchanged": 0, "errors": 0, "ids": [], "cursor": cname}
    if parse is None:
        parse = _parser()
    total = None
    # the oldest `modified` of a record whose download failed for a passing reason (5xx/429 after the retries):
    # the next incremental run must ask from there, or that record is never fetched again
    failed_min = state.get("failed_min") if state.get("running") else None
    for rec in search(client, query, start=start, page_size=page_size, sru_url=sru_url, max_records=limit):
        summary["found"] += 1
        if progress:
            progress(rec.identifier, summary["found"], total)
        mod = rec.modified
        if mod and (run_max is None or mod > run_max):
            run_max = mod
        if mod and _stored_modified(store, rec.identifier) == mod:
            summary["unchanged"] += 1
        else:
            try:
                fetch_record(store, client, rec, ob_url=ob_url, parse=parse, sru_url=sru_url)
                summary["fetched"] += 1
                summary["ids"].append(rec.identifier)
            except (FetchError, ValueError) as exc:   # a ParseError is a ValueError
                if isinstance(exc, FetchError) and exc.network:
                    raise  # the network is gone: stop, the cursor lets the next run resume here
                store.record_error(rec.identifier, f"{exc.__class__.__name__}: {exc}")  # `type` is a parameter here
                summary["errors"] += 1
                # the incremental cursor never passes a record that failed: the next run asks from its date
                if mod and (failed_min is None or mod < failed_min):
                    failed_min = mod
        store.set_cursor(cname, json.dumps({"running": True, "query": query, "next": (rec.position or 0) + 1,
                                            "run_max_modified": run_max, "failed_min": failed_min,
                                            "max_modified": state.get("max_modified")}))
    final_max = max((m for m in (state.get("max_modified"), run_max) if m), default=None)
    if failed_min and final_max and failed_min < final_max:
        final_max = failed_min
    store.set_cursor(cname, json.dumps({"running": False, "max_modified": final_max, "base": base_q}))
    summary["max_modified"] = final_max
    return summary


def fetch_kamerstuk(store: Store, client: HttpClient, doc_id: str, *, ob_url: Optional[str] = None,
                    parse=None) -> Document:
    """One document by id straight from officielebekendmakingen: .xml, else .html, else .pdf; metadata.xml."""
    doc_id = doc_id.strip()
    if not re.fullmatch(r"[A-Za-z]+-[0-9A-Za-z\-]+", doc_id):
        raise ValueError(f"not a publication id: {doc_id!r}")
    ob = base_url("KAMERSTUKKEN_OB_URL", ob_url)
    rec = SruRecord(identifier=doc_id, items={f: f"{ob}/{doc_id}.{f}" for f in FORMAT_PREFERENCE})
    rec.items["metadata"] = f"{ob}/{doc_id}/metadata.xml"
    doc = fetch_record(store, client, rec, ob_url=ob_url, parse=parse)
    md = (doc.meta or {}).get("ob_metadata") or {}
    # The metadata record knows the dossier and date even when the body did not say.
    changed = False
    if not doc.dossier and isinstance(md.get("OVERHEIDop.dossiernummer"), str):
        doc.dossier, changed = md["OVERHEIDop.dossiernummer"], True
    if not doc.date and isinstance(md.get("DCTERMS.issued"), str):
        doc.date, changed = md["DCTERMS.issued"], True
    if changed:
        store.upsert_document(doc)
    return doc
