"""Tweede Kamer open data (gegevensmagazijn OData v4): motions, government letters, the toezeggingen register.

Rules every query here follows:
- page with the server's `@odata.nextLink` (250 rows a page); never send `$top` (it suppresses nextLink);
- `Verwijderd eq false` in every `$filter`, including inside each `$expand`; deleted rows that still come
  back are dropped client-side as well;
- `0001-01-01…` means "no date" (None);
- rows repeated across pages are handled once (by Id);
- a cursor on `ApiGewijzigdOp` (ordered ascending) per feed: the next run asks only for what changed.
  The cursor moves after each page to a point every earlier row is stored behind, so an interrupted run
  resumes without losing or duplicating anything.

Writes: `motions` (known_from 'odata'; Zaak.Afgedaan -> tk_process_finished, a process flag),
`documents` (letters, kind 'letter', title = Onderwerp, text "" until a body is fetched),
`register_entries` (register 'tk') + `commitments` (source 'tk_register'), and `zaak_relations`
(Zaak.GerelateerdNaar / GerelateerdVanuit, stored as one undirected-by-name row from -> to).
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, Optional
from urllib.parse import quote

from ..models import Document, Source, content_hash
from ..store import Store, now_iso
from .http import FetchError, HttpClient, base_url, check_url

ProgressFn = Callable[[str, int, Optional[int]], None]

NO_DATE_PREFIX = "0001-01-01"
NOT_DELETED = "Verwijderd eq false"


# ---------------------------------------------------------------------------- generic OData helpers

def clean(obj: Any) -> Any:
    """0001-01-01 dates -> None; drop nested rows marked Verwijderd; drop repeated nested rows (same Id)."""
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        out, seen = [], set()
        for item in obj:
            if isinstance(item, dict):
                if item.get("Verwijderd") is True:
                    continue
                iid = item.get("Id")
                if iid is not None:
                    if iid in seen:
                        continue
                    seen.add(iid)
            out.append(clean(item))
        return out
    if isinstance(obj, str) and obj.startswith(NO_DATE_PREFIX):
        return None
    return obj


def iso_date(value: Optional[str]) -> Optional[str]:
    if not value or value.startswith(NO_DATE_PREFIX):
        return None
    m = re.match(r"\d{4}-\d{2}-\d{2}", value)
    return m.group(0) if m else None


_TS_RE = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def norm_ts(value: Optional[str]) -> Optional[str]:
    """An ApiGewijzigdOp as a UTC literal with 7 fractional digits: comparable as text, valid in $filter."""
    if not value:
        return None
    m = _TS_RE.match(value.strip())
    if not m:
        return None
    base, frac, tz = m.group(1), (m.group(2) or ".")[1:], m.group(3) or "Z"
    frac7 = (frac + "0000000")[:7]
    if tz != "Z":
        from datetime import timezone
        dt = datetime.fromisoformat(f"{base}{tz}").astimezone(timezone.utc)
        base = dt.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{frac7}Z"


def expand(nav: str, *, select: Optional[str] = None, filter: Optional[str] = None,
           expand_: Optional[Iterable[str]] = None) -> str:
    """`Nav($filter=Verwijderd eq false [and …];$select=…;$expand=…)` — the deleted filter is always there."""
    flt = NOT_DELETED + (f" and ({filter})" if filter else "")
    opts = [f"$filter={flt}"]
    if select:
        opts.append(f"$select={select}")
    sub = list(expand_ or [])
    if sub:
        opts.append("$expand=" + ",".join(sub))
    return f"{nav}({';'.join(opts)})"


def build_url(base: str, entity: str, *, filter: str, expand_: Iterable[str] = (), select: Optional[str] = None,
              orderby: Optional[str] = "ApiGewijzigdOp asc") -> str:
    parts = [f"$filter={NOT_DELETED} and ({filter})" if filter else f"$filter={NOT_DELETED}"]
    ex = list(expand_)
    if ex:
        parts.append("$expand=" + ",".join(ex))
    if select:
        parts.append(f"$select={select}")
    if orderby:
        parts.append(f"$orderby={orderby}")
    q = "&".join(quote(p, safe="=$,;()'/:") for p in parts)
    return f"{base}/{entity}?{q}"


def iter_pages(client: HttpClient, url: str, *, max_pages: int = 100000) -> Iterator[list[dict]]:
    """Yield each page's `value` list, following `@odata.nextLink` until there is none."""
    n = 0
    fetched: set[str] = set()
    first = url
    while url and n < max_pages:
        if "$top=" in url:
            raise ValueError("refusing to page with $top (the server then sends no nextLink)")
        if url in fetched:   # a nextLink to itself or back to an earlier page would loop forever
            raise FetchError(f"OData paging loops: nextLink points back to a page already fetched ({url}); "
                             f"stopped after {n} page(s)", url)
        fetched.add(url)
        resp = client.get(url, expect="json", conditional=False)
        try:
            data = resp.json()
        except (UnicodeDecodeError, ValueError) as exc:
            raise FetchError(f"OData page {url} is not UTF-8 JSON: {' '.join(str(exc).split())[:200]}",
                             url, resp.status) from None
        if not isinstance(data, dict) or not isinstance(data.get("value") or [], list):
            raise FetchError(f"OData page {url} is not an OData collection (no 'value' list)", url, resp.status)
        yield list(data.get("value") or [])
        url = data.get("@odata.nextLink")
        if url is not None:   # a nextLink stays on the feed's own host, http(s), a string
            url = check_url(url, first, "@odata.nextLink", client.allowed_hosts)
        n += 1


class Feed:
    """One incremental OData feed: pages, de-duplication, deleted rows, and the ApiGewijzigdOp cursor."""

    def __init__(self, store: Store, client: HttpClient, cursor_name: str):
        self.store, self.client, self.cursor_name = store, client, cursor_name
        self.seen: set[str] = set()
        self.stats = {"rows": 0, "duplicates": 0, "deleted": 0, "pages": 0}

    @property
    def cursor(self) -> Optional[str]:
        return self.store.get_cursor(self.cursor_name)

    def run(self, url_for: Callable[[Optional[str]], str], handle: Callable[[dict], None],
            progress: Optional[ProgressFn] = None) -> None:
        start = self.cursor
        url = url_for(start)
        safe = start
        pages = iter_pages(self.client, url)
        stale = 0
        last = None
        for page in pages:
            self.stats["pages"] += 1
            # a server that ignores the paging ($skip) sends the same rows under ever new nextLinks
            stale = stale + 1 if page and all(r.get("Id") in self.seen for r in page) else 0
            if stale >= 3:
                raise FetchError(f"OData feed {self.cursor_name} sent only rows it had sent before on {stale} "
                                 f"pages in a row; stopped (the server does not advance the paging)", url)
            stamps = [norm_ts(r.get("ApiGewijzigdOp")) for r in page]
            for raw in page:
                rid = raw.get("Id")
                if raw.get("Verwijderd") is True:
                    self.stats["deleted"] += 1
                    continue
                if rid in self.seen:
                    self.stats["duplicates"] += 1
                    continue
                row = clean(raw)
                handle(row)
                if rid:
                    self.seen.add(rid)
                self.stats["rows"] += 1
                if progress:
                    progress(str(row.get("Nummer") or row.get("DocumentNummer") or rid), self.stats["rows"], None)
            stamps = [s for s in stamps if s]
            if stamps:
                last = max(stamps)
                below = [s for s in stamps if s < last]
                # every row stamped below the page's newest is complete; ties may continue on the next page
                if below and (safe is None or max(below) > safe):
                    safe = max(below)
                    self.store.set_cursor(self.cursor_name, safe)
        if last and (safe is None or last > safe):
            self.store.set_cursor(self.cursor_name, last)


def _changed_filter(cursor: Optional[str]) -> Optional[str]:
    return f"ApiGewijzigdOp gt {cursor}" if cursor else None


def _and(*parts: Optional[str]) -> str:
    return " and ".join(p for p in parts if p)


def _dt_literal(day: str) -> str:
    return f"{day}T00:00:00Z" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else day


# ---------------------------------------------------------------------------- ids and relations

def dossier_of(kd: Optional[dict]) -> Optional[str]:
    if not kd or kd.get("Nummer") in (None, ""):
        return None
    tv = (kd.get("Toevoeging") or "").strip()
    return f"{kd['Nummer']}-{tv}" if tv else str(kd["Nummer"])


def normalise_kst(ext: Optional[str]) -> Optional[str]:
    if not ext:
        return None
    ext = ext.strip()
    if re.fullmatch(r"kst-[0-9]+(-[0-9A-Za-z]+)*", ext):
        return ext
    if re.fullmatch(r"[0-9]{4,6}(-[0-9A-Za-z]+)*-[0-9A-Za-z]+", ext):
        return "kst-" + ext
    return None


def kst_id_of_document(doc: dict, fallback_dossier: Optional[str] = None) -> Optional[str]:
    versions = sorted(doc.get("DocumentVersie") or [], key=lambda v: v.get("Versienummer") or 0, reverse=True)
    for v in versions:
        k = normalise_kst(v.get("ExterneIdentifier"))
        if k:
            return k
    dossiers = doc.get("Kamerstukdossier") or []
    dossier = dossier_of(dossiers[0]) if dossiers else fallback_dossier
    if dossier and doc.get("Volgnummer") not in (None, "", 0, -1):
        return f"kst-{dossier}-{doc['Volgnummer']}"
    return None


def store_relations(store: Store, zaak: dict) -> int:
    """Zaak.GerelateerdNaar (zaak -> other) and GerelateerdVanuit (other -> zaak) into `zaak_relations`."""
    me = zaak.get("Nummer")
    if not me:
        return 0
    rows = []
    for other in zaak.get("GerelateerdNaar") or []:
        if other.get("Nummer"):
            rows.append({"from_zaak": me, "to_zaak": other["Nummer"], "relation": "gerelateerd",
                         "from_soort": zaak.get("Soort"), "to_soort": other.get("Soort"),
                         "from_id": zaak.get("Id"), "to_id": other.get("Id")})
    for other in zaak.get("GerelateerdVanuit") or []:
        if other.get("Nummer"):
            rows.append({"from_zaak": other["Nummer"], "to_zaak": me, "relation": "gerelateerd",
                         "from_soort": other.get("Soort"), "to_soort": zaak.get("Soort"),
                         "from_id": other.get("Id"), "to_id": zaak.get("Id")})
    n = 0
    for r in rows:
        existing = store.db.execute("select from_soort, to_soort from zaak_relations where from_zaak=? and "
                                    "to_zaak=? and relation=?", [r["from_zaak"], r["to_zaak"], r["relation"]]
                                    ).fetchone()
        if existing:
            r["from_soort"] = r["from_soort"] or existing[0]
            r["to_soort"] = r["to_soort"] or existing[1]
            if (existing[0], existing[1]) == (r["from_soort"], r["to_soort"]):
                continue
        r["updated_at"] = now_iso()
        store.db["zaak_relations"].upsert(r, pk=("from_zaak", "to_zaak", "relation"))
        n += 1
    return n


# ---------------------------------------------------------------------------- merge-upsert

def add_known_from(store: Store, motion_id: str, source: str) -> str:
    """The motion's `known_from` with `source` added ("document,odata,ek"): every source that told of it."""
    old = store.db.execute("select known_from from motions where id = ?", [motion_id]).fetchone()
    sources = [s for s in ((old[0] if old else None) or "").split(",") if s]
    return ",".join(sources + ([] if source in sources else [source]))


def upsert_register(store: Store, entry: dict, commitment: dict, seen_on: Optional[str] = None) -> str:
    """A register row (TK or EK) and the commitment it stands for, together; returns new/changed/same.
    The published (status, deadline) goes to the entry's history when it differs from the last one seen
    (`seen_on`: the day the source says it changed, else today)."""
    from ..register import record_state  # noqa: PLC0415
    with store.transaction():
        state = merge_upsert(store, "register_entries", entry)
        merge_upsert(store, "commitments", commitment)
        record_state(store, entry["id"], entry.get("status"), entry.get("due_date"), seen_on)
    return state


def merge_upsert(store: Store, table: str, row: dict, pk: str = "id", keep_if_set: Iterable[str] = ()) -> str:
    """Upsert that never replaces a stored value with an empty one; fields in `keep_if_set` are only filled
    when still empty. `updated_at` moves only when something changed. Returns 'new', 'changed' or 'same'."""
    existing = list(store.db.query(f"select * from [{table}] where [{pk}] = ?", [row[pk]]))
    keep = set(keep_if_set)
    if existing:
        old = existing[0]
        merged = dict(row)
        for k, v in row.items():
            ov = old.get(k)
            if v in (None, "", "[]") and ov not in (None, "", "[]"):
                merged[k] = ov
            elif k in keep and ov not in (None, "", "[]"):
                merged[k] = ov
        if all(old.get(k) == v for k, v in merged.items()):
            return "same"
        merged["updated_at"] = now_iso()
        store.db[table].upsert(merged, pk=pk)
        return "changed"
    store.db[table].upsert({**row, "updated_at": now_iso()}, pk=pk)
    return "new"


# ---------------------------------------------------------------------------- motions

MOTION_SELECT = ("Id,Nummer,Soort,Titel,Onderwerp,GestartOp,Vergaderjaar,Volgnummer,Afgedaan,Kabinetsappreciatie,"
                 "Status,HuidigeBehandelstatus,GewijzigdOp,ApiGewijzigdOp,Verwijderd")
REL_SELECT = "Id,Nummer,Soort,Onderwerp,Verwijderd"


def motion_expands() -> list[str]:
    return [
        expand("ZaakActor", select="Id,ActorNaam,ActorFractie,ActorAfkorting,Relatie,Persoon_Id,Verwijderd"),
        expand("Besluit", select="Id,BesluitSoort,BesluitTekst,StemmingsSoort,Status,GewijzigdOp,ApiGewijzigdOp,"
                                 "Verwijderd",
               expand_=[expand("Stemming", select="Id,Soort,FractieGrootte,ActorNaam,ActorFractie,Vergissing,"
                                                  "Verwijderd")]),
        expand("Document", select="Id,Soort,DocumentNummer,Volgnummer,Datum,Onderwerp,Verwijderd",
               expand_=[expand("DocumentVersie", select="Id,Versienummer,ExterneIdentifier,Verwijderd"),
                        expand("Kamerstukdossier", select="Id,Nummer,Toevoeging,Verwijderd")]),
        expand("Kamerstukdossier", select="Id,Nummer,Toevoeging,Titel,Verwijderd"),
        expand("GerelateerdNaar", select=REL_SELECT),
        expand("GerelateerdVanuit", select=REL_SELECT),
    ]


def motion_url(base: str, cursor: Optional[str], since: Optional[str] = None) -> str:
    flt = _and("Soort eq 'Motie'", f"GestartOp ge {_dt_literal(since)}" if since else None, _changed_filter(cursor))
    return build_url(base, "Zaak", filter=flt, expand_=motion_expands(), select=MOTION_SELECT)


def submitters_of(zaak: dict) -> list[str]:
    actors = [a for a in zaak.get("ZaakActor") or []
              if (a.get("Relatie") or "indiener").replace(" ", "").lower() in ("indiener", "medeindiener")]
    actors.sort(key=lambda a: 0 if (a.get("Relatie") or "").lower() == "indiener" else 1)
    out: list[str] = []
    for a in actors:
        name = (a.get("ActorNaam") or "").strip()
        if name and name not in out:
            out.append(name)
    return out


def besluit_of(zaak: dict) -> Optional[str]:
    besluiten = [b for b in zaak.get("Besluit") or [] if b.get("BesluitSoort")]
    if not besluiten:
        return None
    voting = [b for b in besluiten if "stemmen" in b["BesluitSoort"].lower()] or besluiten
    voting.sort(key=lambda b: norm_ts(b.get("ApiGewijzigdOp")) or norm_ts(b.get("GewijzigdOp")) or "")
    return voting[-1]["BesluitSoort"].strip()


def votes_of(zaak: dict) -> dict:
    """Seats for/against of the deciding vote (per party, FractieGrootte)."""
    besluiten = [b for b in zaak.get("Besluit") or [] if b.get("Stemming")]
    if not besluiten:
        return {}
    besluiten.sort(key=lambda b: norm_ts(b.get("ApiGewijzigdOp")) or "")
    tally: dict[str, int] = {}
    for s in besluiten[-1]["Stemming"]:
        if s.get("Vergissing"):
            continue
        k = (s.get("Soort") or "?").lower()
        tally[k] = tally.get(k, 0) + int(s.get("FractieGrootte") or 0)
    return tally


def motion_row(zaak: dict) -> dict:
    docs = [d for d in zaak.get("Document") or [] if (d.get("Soort") or "").lower().startswith("motie")]
    docs.sort(key=lambda d: (iso_date(d.get("Datum")) or "", d.get("Volgnummer") or 0))
    zaak_dossiers = zaak.get("Kamerstukdossier") or []
    zd = dossier_of(zaak_dossiers[0]) if zaak_dossiers else None
    kst = None
    for d in reversed(docs):
        kst = kst_id_of_document(d, zd)
        if kst:
            break
    afgedaan = zaak.get("Afgedaan")
    return {
        "id": kst or zaak["Nummer"],
        "title": (zaak.get("Onderwerp") or "").strip(),
        "date": iso_date(zaak.get("GestartOp")),
        "dossier": zd,
        "submitters": json.dumps(submitters_of(zaak), ensure_ascii=False),
        "kabinetsappreciatie": zaak.get("Kabinetsappreciatie") or None,
        "tk_process_finished": None if afgedaan is None else int(bool(afgedaan)),
        "besluit": besluit_of(zaak),
        "besluit_source": "tk-odata" if besluit_of(zaak) else None,
        "zaak_nummer": zaak["Nummer"],
        "known_from": "odata",
    }


def upsert_motion(store: Store, row: dict) -> str:
    """Store an OData motion row. Text-derived fields are never emptied; a row first stored under the Zaak
    nummer moves to the kst id once that is known (one row per motion)."""
    zn = row["zaak_nummer"]
    with store.transaction():
        same_zaak = list(store.db.query("select * from motions where zaak_nummer = ? or id = ?", [zn, zn]))
        for old in same_zaak:
            if old["id"] == row["id"]:
                continue
            if old["id"] == zn and row["id"] != zn:
                # placeholder under the zaak nummer: fold it into the kst row
                for k, v in old.items():
                    if k not in row or row[k] in (None, "", "[]"):
                        if k not in ("id", "updated_at"):
                            row[k] = v if row.get(k) in (None, "", "[]") else row[k]
                store.db.execute("delete from motions where id = ?", [zn])
            elif row["id"] == zn:
                row["id"] = old["id"]   # a kst row exists already: write into it
        row["known_from"] = add_known_from(store, row["id"], "odata")
        return merge_upsert(store, "motions", row, keep_if_set=("title", "date", "dossier", "submitters"))


def fetch_moties(store: Store, client: HttpClient, *, since: Optional[str] = None, odata_url: Optional[str] = None,
                 progress: Optional[ProgressFn] = None) -> dict:
    base = base_url("KAMERSTUKKEN_ODATA_URL", odata_url)
    feed = Feed(store, client, "odata:moties" + (f":since={since}" if since else ""))
    counts = {"new": 0, "changed": 0, "same": 0, "relations": 0}

    def handle(z: dict) -> None:
        if (z.get("Soort") or "Motie") != "Motie" or not z.get("Nummer"):
            return
        row = motion_row(z)
        counts[upsert_motion(store, row)] += 1
        with store.transaction():
            counts["relations"] += store_relations(store, z)

    feed.run(lambda cur: motion_url(base, cur, since), handle, progress)
    return {**counts, **feed.stats, "cursor": feed.cursor}


# ---------------------------------------------------------------------------- letters

LETTER_SELECT = ("Id,Soort,DocumentNummer,Titel,Onderwerp,Datum,Vergaderjaar,Volgnummer,Organisatie,"
                 "ContentType,GewijzigdOp,ApiGewijzigdOp,Verwijderd")


def letter_url(base: str, cursor: Optional[str], since: Optional[str] = None,
               soort: str = "Brief regering") -> str:
    flt = _and(f"Soort eq '{soort}'", f"Datum ge {_dt_literal(since)}" if since else None, _changed_filter(cursor))
    ex = [expand("DocumentVersie", select="Id,Versienummer,ExterneIdentifier,Extensie,Verwijderd"),
          expand("Kamerstukdossier", select="Id,Nummer,Toevoeging,Titel,Verwijderd"),
          expand("Zaak", select="Id,Nummer,Soort,Onderwerp,Verwijderd",
                 expand_=[expand("GerelateerdNaar", select=REL_SELECT),
                          expand("GerelateerdVanuit", select=REL_SELECT)])]
    return build_url(base, "Document", filter=flt, expand_=ex, select=LETTER_SELECT)


def letter_document(d: dict, url: str) -> Document:
    dossiers = d.get("Kamerstukdossier") or []
    dossier = dossier_of(dossiers[0]) if dossiers else None
    kst = kst_id_of_document(d, dossier)
    nummer = d.get("DocumentNummer")
    doc_id = kst or nummer  # the TK document number (e.g. 2025D12345), as in open data exports
    raw = json.dumps(d, sort_keys=True, ensure_ascii=False)
    meta = {"tk_document_nummer": nummer, "tk_document_id": d.get("Id"), "tk_soort": d.get("Soort"),
            "onderwerp": d.get("Onderwerp"), "tk_titel": d.get("Titel"),
            "zaak_nummers": [z.get("Nummer") for z in d.get("Zaak") or [] if z.get("Nummer")]}
    return Document(
        id=doc_id, kind="letter", title=(d.get("Onderwerp") or d.get("Titel") or "").strip(),
        date=iso_date(d.get("Datum")), vergaderjaar=d.get("Vergaderjaar"), dossier=dossier, text="",
        meta={k: v for k, v in meta.items() if v not in (None, "", [])},
        sources=[Source("odata", url, content_hash(raw))])


def fetch_brieven(store: Store, client: HttpClient, *, since: Optional[str] = None,
                  odata_url: Optional[str] = None, with_text: bool = False, ob_url: Optional[str] = None,
                  progress: Optional[ProgressFn] = None) -> dict:
    """Government letters ('Brief regering'): one `letter` document each, even without a body.
    with_text=True also downloads the official text (via officielebekendmakingen) for letters with a kst id."""
    base = base_url("KAMERSTUKKEN_ODATA_URL", odata_url)
    feed = Feed(store, client, "odata:brieven" + (f":since={since}" if since else ""))
    counts = {"new": 0, "updated": 0, "relations": 0, "texts": 0, "text_errors": 0}
    to_fetch: list[str] = []

    def handle(d: dict) -> None:
        src_url = f"{base}/Document({d.get('Id')})"
        doc = letter_document(d, src_url)
        known = store.has_document(doc.id)
        store.upsert_document(doc)
        counts["updated" if known else "new"] += 1
        with store.transaction():
            for z in d.get("Zaak") or []:
                counts["relations"] += store_relations(store, z)
        if with_text and doc.id.startswith("kst-") and not (store.get_document_row(doc.id) or {}).get("text"):
            to_fetch.append(doc.id)

    feed.run(lambda cur: letter_url(base, cur, since), handle, progress)
    if to_fetch:
        from .sru import fetch_kamerstuk  # noqa: PLC0415
        for kid in to_fetch:
            try:
                fetch_kamerstuk(store, client, kid, ob_url=ob_url)
                counts["texts"] += 1
            except Exception as exc:  # noqa: BLE001 - recorded, the letter row stays
                store.record_error(kid, f"{type(exc).__name__}: {exc}")
                counts["text_errors"] += 1
    return {**counts, **feed.stats, "cursor": feed.cursor}


# ---------------------------------------------------------------------------- toezeggingen

TOEZEGGING_SELECT = ("Id,Nummer,Aanmaakdatum,ActiviteitNummer,Naam,Achternaam,Initialen,Voornaam,Tussenvoegsel,"
                     "Achtervoegsel,Titulatuur,Functie,Status,DatumNakoming,KamerbriefNakoming,Ministerie,Tekst,"
                     "GewijzigdOp,ApiGewijzigdOp,Verwijderd")


REVISIONS = {"IsWijzigingVan": "wijziging_van", "IsHerhalingVan": "herhaling_van", "IsAanvullingOp": "aanvulling_op"}


def toezegging_url(base: str, cursor: Optional[str]) -> str:
    ex = [expand("Activiteit", select="Id,Nummer,Soort,Onderwerp,Datum,Vergaderjaar,Voortouwnaam,Verwijderd"),
          expand("ToegezegdAanPersoon", select="Id,Initialen,Roepnaam,Tussenvoegsel,Achternaam,Fractielabel"),
          expand("ToegezegdAanFractie", select="Id,Afkorting,NaamNL")]
    ex += [expand(nav, select="Id,Nummer,Status,Verwijderd") for nav in REVISIONS]
    return build_url(base, "Toezegging", filter=_changed_filter(cursor) or "", expand_=ex, select=TOEZEGGING_SELECT)


def person_of(t: dict) -> Optional[str]:
    if t.get("Naam"):
        return t["Naam"].strip()
    parts = [t.get("Titulatuur"), t.get("Initialen") or t.get("Voornaam"), t.get("Tussenvoegsel"),
             t.get("Achternaam"), t.get("Achtervoegsel")]
    s = " ".join(p.strip() for p in parts if p and p.strip())
    return s or None


def split_letters(value: Optional[str]) -> list[str]:
    """KamerbriefNakoming is free text (sometimes several letters); keep the pieces as given."""
    if not value:
        return []
    pieces = [p.strip() for p in re.split(r"[;\n]|,\s*(?=\d{4}D\d{5})", value) if p.strip()]
    return pieces or [value.strip()]


def promised_to(t: dict) -> Optional[str]:
    """ToegezegdAanPersoon / ToegezegdAanFractie: 'J. Jansen (VVD); GroenLinks-PvdA'."""
    people = []
    for p in t.get("ToegezegdAanPersoon") or []:
        name = " ".join(x for x in (p.get("Initialen") or p.get("Roepnaam"), p.get("Tussenvoegsel"),
                                    p.get("Achternaam")) if x)
        if name:
            people.append(f"{name} ({p['Fractielabel']})" if p.get("Fractielabel") else name)
    parties = [f.get("Afkorting") or f.get("NaamNL") for f in t.get("ToegezegdAanFractie") or []]
    return "; ".join(people + [p for p in parties if p]) or None


def revisions_of(t: dict) -> dict:
    """{'wijziging_van': [nummer, ...], ...}: the toezeggingen this one changes, repeats or adds to."""
    out = {}
    for nav, key in REVISIONS.items():
        nums = [r.get("Nummer") or r.get("Id") for r in t.get(nav) or [] if not r.get("Verwijderd")]
        if nums:
            out[key] = nums
    return out


def toezegging_rows(t: dict) -> tuple[dict, dict]:
    nummer = t.get("Nummer") or t.get("Id")
    acts = [{"nummer": a.get("Nummer"), "soort": a.get("Soort"), "onderwerp": a.get("Onderwerp"),
             "datum": iso_date(a.get("Datum")), "voortouw": a.get("Voortouwnaam")}
            for a in t.get("Activiteit") or []]
    activiteit = {"nummer": t.get("ActiviteitNummer"), "activiteiten": acts}
    due = iso_date(t.get("DatumNakoming"))
    reg_id = f"tk-{nummer}"
    entry = {
        "id": reg_id, "register": "tk", "nummer": nummer, "text": (t.get("Tekst") or "").strip(),
        "status": t.get("Status"), "due_date": due, "ministry": t.get("Ministerie"), "person": person_of(t),
        "function": t.get("Functie"),
        "fulfilling_letters": json.dumps(split_letters(t.get("KamerbriefNakoming")), ensure_ascii=False),
        "activiteit": json.dumps(activiteit, ensure_ascii=False, sort_keys=True),
        "raw": json.dumps(t, ensure_ascii=False, sort_keys=True), "members": promised_to(t),
        "revisions": json.dumps(revisions_of(t), ensure_ascii=False, sort_keys=True) if revisions_of(t) else None,
    }
    made_on = (acts[0]["datum"] if acts and acts[0]["datum"] else None) or iso_date(t.get("Aanmaakdatum"))
    commitment = {
        "id": reg_id, "doc_id": None, "idx": None, "text": entry["text"], "actor": t.get("Functie"),
        "ministry": t.get("Ministerie"), "date": made_on, "deadline_end": due,
        "deadline_kind": "by" if due else None, "source": "tk_register", "register_status": t.get("Status"),
        "register_id": reg_id, "member": entry["members"],
    }
    return entry, commitment


def fetch_toezeggingen(store: Store, client: HttpClient, *, odata_url: Optional[str] = None,
                       progress: Optional[ProgressFn] = None) -> dict:
    base = base_url("KAMERSTUKKEN_ODATA_URL", odata_url)
    feed = Feed(store, client, "odata:toezeggingen")
    counts = {"new": 0, "changed": 0, "same": 0}

    def handle(t: dict) -> None:
        counts[upsert_register(store, *toezegging_rows(t), seen_on=iso_date(t.get("GewijzigdOp")))] += 1

    feed.run(lambda cur: toezegging_url(base, cur), handle, progress)
    from ..register import unknown_statuses  # noqa: PLC0415
    return {**counts, **feed.stats, "cursor": feed.cursor, "unknown_statuses": unknown_statuses(store)}
