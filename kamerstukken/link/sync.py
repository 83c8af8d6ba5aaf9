"""The store edge of the linker: motion rows from documents and citations, letters with what the extract
stage stored about them, `link_store` (incremental, idempotent) and `export_links`."""
from __future__ import annotations

import bisect
import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Optional

from rapidfuzz import fuzz

from ..models import Link
from ..parse.common import DATE_RE, MONTHS


from .candidates import *  # noqa: F401,F403


# --------------------------------------------------------------------------- the extract modules
# Imported when first needed (the NLP layer takes about a second to load). A text that makes one of them fail
# gives nothing here, so that one letter cannot stop the linking of the others.

def _nlp_refs(text: str, footnotes: Optional[dict] = None) -> list[tuple[str, str, int, int]]:
    from ..nlp.references import find_references
    try:
        return [(r.id, r.via, r.char_start, r.char_end) for r in find_references(text, footnotes)]
    except Exception:  # noqa: BLE001
        return []


def _nlp_mentions(text: str, footnotes: Optional[dict] = None) -> list:
    from ..nlp.motions import find_motion_mentions
    try:
        return list(find_motion_mentions(text, footnotes))
    except Exception:  # noqa: BLE001
        return []


def _nlp_parse_motion(text: str, title: str, mid: str):
    from ..nlp.motions import parse_motion_text
    try:
        return parse_motion_text(text, title, mid)
    except Exception:  # noqa: BLE001
        return None


def _nlp_deadlines(text: str, anchor: Optional[str]) -> list[tuple[str, str, str, str]]:
    """Deadlines of a text as (text, kind, start, end)."""
    from ..nlp.deadlines import find_deadlines
    try:
        return [(d.text, d.kind, d.start, d.end)
                for d in find_deadlines(text, date.fromisoformat(anchor) if anchor else None)]
    except Exception:  # noqa: BLE001
        return []


_FALLBACK_DEADLINE = re.compile(r"\b(v[oó]{2}r|uiterlijk|niet\s+later\s+dan)\s+(\d{1,2})\s+(" + "|".join(MONTHS) +
                                r")\s+(\d{4})\b", re.I)


def fallback_deadline(text: str) -> Optional[tuple[str, str, str, str]]:
    """Only "vóór/uiterlijk <day> <month> <year>" (spec/deadlines.md: "vóór" ends the day before)."""
    m = _FALLBACK_DEADLINE.search(text or "")
    if not m:
        return None
    try:
        d = date(int(m.group(4)), MONTHS[m.group(3).lower()], int(m.group(2)))
    except ValueError:
        return None
    end = d - timedelta(days=1) if fold(m.group(1)).startswith("voor") else d
    return (m.group(0), "by", None, end.isoformat())


def deadline_of(text: str, anchor: Optional[str]) -> Optional[tuple[str, str, Optional[str], str]]:
    found = _nlp_deadlines(text, anchor)
    if found:
        found = [d for d in found if d[3]]
        if found:
            return min(found, key=lambda d: d[3])
    return fallback_deadline(text)


# --------------------------------------------------------------------------- store edge

def _loads(s: Any, default: Any) -> Any:
    if s in (None, ""):
        return default
    if isinstance(s, (list, dict)):
        return s
    try:
        return json.loads(s)
    except (TypeError, ValueError):
        return default


def _tables(store) -> set[str]:
    return set(store.db.table_names())


def _deadlines_by_doc(store, doc_ids: set) -> dict[str, list[tuple]]:
    """The dated deadlines found in the documents `doc_ids`, by document, in text order."""
    out: dict[str, list[tuple]] = {}
    if not doc_ids:
        return out
    for r in store.db.execute('select doc_id, text, kind, start, "end", char_start, char_end from deadlines '
                              'where "end" is not null order by doc_id, char_start'):
        if r[0] in doc_ids:
            out.setdefault(r[0], []).append(r[1:])
    return out


def _pick_deadline(rows: list[tuple], start: int = -1, end: int = -1) -> Optional[tuple]:
    if start >= 0:
        rows = [r for r in rows if r[4] is not None and start <= r[4] and (r[5] or 0) <= end + 1]
    if not rows:
        return None
    r = min(rows, key=lambda r: r[3])
    return (r[0], r[1], r[2], r[3])


def motion_row_from_document(doc: dict, existing: Optional[dict] = None,
                             doc_deadlines: Optional[list[tuple]] = None) -> dict:
    """A `motions` row from a motion document (a documents row: its own title and text), completing a row
    known only from a reference (`existing`): what the citing text said stays where the document is silent."""
    title, text, did = doc.get("title") or "", doc.get("text") or "", doc["id"]
    rec = _nlp_parse_motion(text, title, did)
    if rec is not None and (rec.submitters or rec.dicta):
        subs, cons, dicta = list(rec.submitters), list(rec.considerations), list(rec.dicta)
        tnames = names_from_title(title)
        subs = tnames + [s for s in subs if all(name_key(s) != name_key(x) for x in tnames)]
    else:
        subs = names_from_title(title)
        for n in names_from_signature(text):
            if all(name_key(n) != name_key(x) for x in subs):
                subs.append(n)
        cons, dicta = [], dicta_from_text(text)
    row = {
        "id": did, "doc_id": did, "title": title, "date": doc.get("date"),
        "dossier": doc.get("dossier") or dossier_of_id(did), "submitters": json.dumps(subs, ensure_ascii=False),
        "considerations": json.dumps(cons, ensure_ascii=False), "dicta": json.dumps(dicta, ensure_ascii=False),
        "known_from": "document",
    }
    dl = _pick_deadline(doc_deadlines or [])
    if dl is None and rec is not None and getattr(rec, "deadlines", None):
        ds = [d for d in rec.deadlines if d.end]
        if ds:
            d = min(ds, key=lambda d: d.end)
            dl = (d.text, d.kind, d.start, d.end)
    if dl is None and dicta:
        dl = deadline_of(" ".join(dicta), doc.get("date"))
    if dl:
        row.update(deadline_text=dl[0], deadline_kind=dl[1], deadline_start=dl[2], deadline_end=dl[3])
    meta = _loads(doc.get("meta"), {})
    from ..decision import keep_stored_decision
    from ..stages import besluit_of_meta
    row.update(keep_stored_decision(existing, besluit_of_meta(meta)))
    for k_row, keys in (("kabinetsappreciatie", ("kabinetsappreciatie",)), ("zaak_nummer", ("zaak_nummer",)),
                        ("tk_process_finished", ("api_afgedaan", "afgedaan"))):
        for k in keys:
            if meta.get(k) not in (None, ""):
                row[k_row] = int(bool(meta[k])) if k_row == "tk_process_finished" else meta[k]
                break
    if existing:
        for k, v in existing.items():
            if k == "updated_at":
                continue
            if row.get(k) in (None, "", "[]") and v not in (None, "", "[]"):
                row[k] = v   # keep what the citing text said when the document says nothing
    return row


_MOTION_COLS = ("id", "doc_id", "title", "date", "dossier", "submitters", "considerations", "dicta", "deadline_text",
                "deadline_kind", "deadline_start", "deadline_end", "kabinetsappreciatie", "tk_process_finished",
                "besluit", "besluit_source", "zaak_nummer", "known_from")


def _changed(cur: Optional[dict], row: dict) -> bool:
    return cur is None or any(cur.get(k) != v for k, v in row.items() if k != "updated_at")


def sync_motions(store) -> dict:
    """Complete the `motions` table: a row for each motion document, a row for each motion known only from
    a reference (motion_mentions.ref). The same id is completed, never doubled. Writes only what changed."""
    from ..store import now_iso
    existing = {r["id"]: r for r in store.db.query("select * from motions")}
    now = now_iso()
    rows = []
    # a row the extract stage (or an earlier run) made from the motion's own document is left as it is
    docs = list(store.db.query("select d.id, d.title, d.text, d.date, d.dossier, d.meta, d.updated_at "
                               "from documents d left join motions m on m.id = d.id "
                               "where d.kind = 'motion' and coalesce(m.known_from, '') != 'document'"))
    dls = _deadlines_by_doc(store, {d["id"] for d in docs})
    for d in docs:
        cur = existing.get(d["id"])
        row = motion_row_from_document(d, cur, dls.get(d["id"]))
        if _changed(cur, row):
            rows.append({**{k: None for k in _MOTION_COLS}, **(cur or {}), **row, "updated_at": now})
        existing[d["id"]] = row
    n_doc = len(rows)
    q = ("select mm.doc_id, mm.ref, mm.submitters, mm.request, mm.char_start, mm.char_end, mm.text, "
         "d.date from motion_mentions mm left join documents d on d.id = mm.doc_id "
         "where mm.ref is not null and mm.ref != '' order by d.date, mm.doc_id, mm.idx")
    refs = list(store.db.execute(q))
    dls = _deadlines_by_doc(store, {r[0] for r in refs if r[1] not in existing})
    for doc_id, ref, subs, request, cs, ce, text, ddate in refs:
        if ref in existing:
            continue
        row = _reference_motion_row(ref, _loads(subs, []), request, cs if cs is not None else -1,
                                    ce if ce is not None else -1, text, ddate, dls.get(doc_id, []))
        rows.append({**{k: None for k in _MOTION_COLS}, **row, "updated_at": now})
        existing[ref] = row
    if rows:
        with store.transaction():
            store.db["motions"].upsert_all(rows, pk="id", alter=True)
    return {"motions_from_documents": n_doc, "motions_from_references": len(rows) - n_doc}


def _reference_motion_row(ref, subs, request, cs, ce, text, anchor, doc_deadlines) -> dict:
    row = {"id": ref, "doc_id": None, "title": text or "", "date": None, "dossier": dossier_of_id(ref),
           "submitters": json.dumps(list(subs or []), ensure_ascii=False), "considerations": "[]",
           "dicta": json.dumps([request] if request else [], ensure_ascii=False),
           "known_from": "reference"}
    dl = deadline_of(request, anchor) if request else None
    if dl is None and cs >= 0 and request:
        dl = _pick_deadline(doc_deadlines, cs, ce + len(request) + 200)
    if dl:
        row.update(deadline_text=dl[0], deadline_kind=dl[1], deadline_start=dl[2], deadline_end=dl[3])
    return row


_TVV = re.compile(r"t\.v\.v\.\s*(?:Kamerstuk\s+)?(\d{5}(?:-[A-Z0-9]+)?-\d+)", re.I)


def _motion_target(r: dict) -> Target:
    """A `Target` from a `motions` row (with `head`, the start of its document's text, when there is one)."""
    subs = _loads(r.get("submitters"), [])
    title = r.get("title") or ""
    tnames = names_from_title(title) or subs[:2]
    sig = [s for s in subs if all(name_key(s) != name_key(x) for x in tnames)]
    dicta = _loads(r.get("dicta"), [])
    cons = _loads(r.get("considerations"), [])
    tvv = _TVV.search(title)
    return Target(id=r["id"], kind="motion", title=title, text=" ".join(cons + dicta), date=r.get("date"),
                  replaces=("kst-" + tvv.group(1).replace(" ", "")) if tvv else None,
                  dossier=r.get("dossier"), names=tnames, sig_names=sig,
                  topic=topic_of_motion_title(title) if title else " ".join(dicta)[:300],
                  zaak_nummer=r.get("zaak_nummer"), debate=dossier_title_of(r.get("head") or ""))


def targets_from_store(store) -> list[Target]:
    out = [_motion_target(r) for r in store.db.query("select m.*, substr(d.text, 1, 400) as head from motions m "
                                                      "left join documents d on d.id = m.doc_id")]
    for r in store.db.query("select c.*, d.dossier as doc_dossier, d.date as doc_date from commitments c "
                            "left join documents d on d.id = c.doc_id"):
        member = r.get("member") or ""
        names = split_names(re.sub(r"^(?:het\s+lid|de\s+leden|lid)\s+", "", member)) if member else []
        out.append(Target(id=r["id"], kind="commitment", title=r.get("topic") or "", text=r.get("text") or "",
                          date=r.get("date") or r.get("doc_date"), dossier=r.get("doc_dossier"),
                          ministry=r.get("ministry"), names=names, topic=r.get("topic") or "",
                          source_doc=r.get("doc_id")))
    return out


def _letter_fingerprint(rec: LetterRec, updated_at: str) -> str:
    h = hashlib.sha256()
    h.update(LINKER_VERSION.encode())
    from .model import tag
    h.update(tag().encode())      # a retrained model (or the rules switch) relinks every letter once
    h.update((updated_at or "").encode())
    h.update(json.dumps([rec.refs, [m.__dict__ for m in rec.mentions], rec.register_targets, rec.related_zaken,
                         rec.has_fulfilment_statement, rec.fulfilment_points_to,
                         [c.__dict__ for c in rec.body_claims]], sort_keys=True,
                        default=str).encode())
    return h.hexdigest()[:32]


def _target_fingerprint(t: Target) -> str:
    return hashlib.sha256(json.dumps(t.__dict__, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _seg_has(seg: str, kid: str) -> bool:
    """Does a subject-line segment contain the reference `kid` ("Kamerstuk 21501-30-670", "36550-XVII-18")?"""
    parts = kid.split("-")[1:]
    flat = re.sub(r"[\s,.]|nr", "", seg)
    return "".join(parts) in flat.replace("-", "") if parts else False


def letter_from_store(row: dict, extra: dict) -> LetterRec:
    """A `LetterRec` from a documents row and what the extract stage stored about it (or, when it stored
    nothing, what the extract modules — or this module's fallbacks — find in the title and text)."""
    did, title, text = row["id"], row.get("title") or "", row.get("text") or ""
    refs = [(r, via) for r, via in extra.get("refs", {}).get(did, [])]
    mentions: list[Mention] = []
    stored_mentions = extra.get("mentions", {}).get(did)
    title_mentions = mentions_in_title(title)
    footnotes = extra.get("footnotes", {}).get(did) or {}
    if stored_mentions is None and text:
        stored_mentions = [{"ref": m.ref, "submitters": list(m.submitters), "declared_done": m.declared_done,
                            "request": m.request, "text": m.text, "char_start": m.char_start,
                            "char_end": m.char_end} for m in _nlp_mentions(text, footnotes)]
    if not refs:
        # no rows from the extract stage: read the title (and text) ourselves
        got = _nlp_refs(title) if title else []
        # "(t.v.v. 32847-1330)": the motion a gewijzigde motie replaces, not the one the letter is about
        refs += [(i, "title-tvv" if (s is not None and s >= 0 and "t.v.v" in title[max(0, s - 25):s + 8].lower())
                  else "title") for i, _via, s, _e in got]
        if text and did not in extra.get("has_extraction", set()):
            refs += [(i, via) for i, via, _s, _e in _nlp_refs(text, footnotes)]
    for m in title_mentions:
        # "... over X (Kamerstuk 36583-14)": the reference inside a mention's segment is that motion's id
        if m.ref is None:
            seg_refs = [i for i, via in refs if via == "title" and _seg_has(m.text, i)]
            if seg_refs:
                m.ref = seg_refs[0]
        mentions.append(m)
    for j, sm in enumerate(stored_mentions or []):
        seg = sm.get("text") or ""
        cs = sm.get("char_start") if sm.get("char_start") is not None else -1
        around = text[max(0, cs - 200): cs + 400] if cs >= 0 else seg
        rel = classify_relation(around) if around else None
        declared = bool(sm.get("declared_done"))
        if not declared and cs >= 0 and _DECLARED_DONE.search(text[cs: cs + 700]):
            declared = True
        mentions.append(Mention(text=seg, ref=sm.get("ref"), submitters=list(sm.get("submitters") or []),
                                topic=topic_of_motion_title(seg) if re.search(r"\bover\b", seg) else "",
                                declared_done=declared, request=sm.get("request"), relation=rel,
                                position=len(title_mentions) + j))
        if sm.get("ref") and all(sm["ref"].lower() != r.lower() for r, _ in refs):
            refs.append((sm["ref"], "text"))
    # a motion mention with a ref is the same motion as the ref: one mention, not two
    seen = set()
    refs = [(r, v) for r, v in refs if not (r.lower() in seen or seen.add(r.lower()))]
    meta = _loads(row.get("meta"), {})
    related = meta.get("gerelateerd_naar") or meta.get("zaak_gerelateerd_naar") or []
    if isinstance(related, str):
        related = [related]
    related = list(related) + extra.get("related", {}).get(did, []) + \
        [z for k in (meta.get("zaak_nummer"), meta.get("zaak_id")) if k for z in extra.get("related", {}).get(k, [])]
    stm = extra.get("statements", {}).get(did, [])
    members = []
    for m in _MEMBER.finditer(title + "\n" + text[:5000]):
        members += split_names(m.group("names"))
    claims = _body_claims(did, text, extra, stored_mentions or [], title_mentions)
    return LetterRec(
        id=did, title=title, text=text, date=row.get("date"), dossier=row.get("dossier"), ministry=row.get("ministry"),
        refs=refs, mentions=mentions, register_targets=extra.get("register", {}).get(did, []),
        related_zaken=list(related), has_fulfilment_statement=any(s[0] == "fulfilment" for s in stm),
        fulfilment_points_to=[p for s in stm if s[0] == "fulfilment" for p in s[1]],
        member_names=members[:6], dates_named=dates_in(title), body_claims=claims)


def _body_claims(did: str, text: str, extra: dict, stored_mentions: list[dict], title_mentions: list) -> list:
    """What the letter's body says it carries out (`kamerstukken.body`); nothing for a letter without a body."""
    if not text or len(text) < 200:
        return []
    from ..body import BodyMention, body_claims, statements_of_text
    if did in extra.get("has_extraction", set()):
        statements = extra.get("fulfilments", {}).get(did, [])
    else:
        statements = statements_of_text(text)
    if not statements:
        return []
    mentions = [BodyMention(sm["char_start"], sm.get("char_end") or sm["char_start"], sm.get("ref"),
                            list(sm.get("submitters") or []), bool(sm.get("declared_done")))
                for sm in stored_mentions if sm.get("char_start") is not None and sm["char_start"] >= 0]
    first = next((m for m in title_mentions if m.ref or m.submitters), None)
    title_first = BodyMention(-1, -1, first.ref, list(first.submitters)) if first else None
    return body_claims(statements, mentions, title_first)


def _extraction_maps(store) -> dict:
    tables = _tables(store)
    extra: dict[str, Any] = {"refs": {}, "mentions": {}, "statements": {}, "register": {}, "footnotes": {},
                             "has_extraction": set()}
    if "references" in tables:
        for doc_id, ref_id, via in store.db.execute('select doc_id, ref_id, via from "references" order by doc_id, idx'):
            if ref_id:
                extra["refs"].setdefault(doc_id, []).append((ref_id, via or "text"))
                extra["has_extraction"].add(doc_id)
    if "motion_mentions" in tables:
        for r in store.db.query("select * from motion_mentions order by doc_id, idx"):
            extra["mentions"].setdefault(r["doc_id"], []).append(
                {"ref": r.get("ref"), "submitters": _loads(r.get("submitters"), []),
                 "declared_done": bool(r.get("declared_done")), "request": r.get("request"), "text": r.get("text"),
                 "char_start": r.get("char_start"), "char_end": r.get("char_end")})
            extra["has_extraction"].add(r["doc_id"])
    if "statements" in tables:
        from ..body import Statement as BodyStatement
        extra["fulfilments"] = {}
        for doc_id, typ, pts, cs, ce, text in store.db.execute(
                "select doc_id, type, points_to, char_start, char_end, text from statements"):
            extra["statements"].setdefault(doc_id, []).append((typ, _loads(pts, [])))
            extra["has_extraction"].add(doc_id)
            if typ == "fulfilment":
                extra["fulfilments"].setdefault(doc_id, []).append(
                    BodyStatement(typ, cs if cs is not None else -1, ce if ce is not None else -1, text or "",
                                  _loads(pts, [])))
    extra["related"] = {}
    if "zaak_relations" in tables:
        # Zaak.GerelateerdNaar as stored by the OData scraper: the letter's document or Zaak -> a motion's Zaak
        for from_id, from_zaak, to_id, to_zaak in store.db.execute(
                "select from_id, from_zaak, to_id, to_zaak from zaak_relations where relation like '%erelateerd%'"):
            for key in (from_id, from_zaak):
                if key:
                    extra["related"].setdefault(key, []).extend(x for x in (to_zaak, to_id) if x)
    if "footnotes" in tables:
        for doc_id, mark, text in store.db.execute("select doc_id, mark, text from footnotes"):
            extra["footnotes"].setdefault(doc_id, {})[mark] = text
    if "register_entries" in tables and "commitments" in tables:
        by_reg = {}
        for cid, reg in store.db.execute("select id, register_id from commitments where register_id is not null"):
            by_reg.setdefault(reg, []).append(cid)
        for r in store.db.query("select id, register, status, fulfilling_letters from register_entries "
                                "where fulfilling_letters is not null and fulfilling_letters != ''"):
            letters = _loads(r["fulfilling_letters"], None)
            if letters is None:
                letters = [x.strip() for x in str(r["fulfilling_letters"]).split(",") if x.strip()]
            for lid in letters:
                lid = lid.get("id") if isinstance(lid, dict) else lid
                for cid in by_reg.get(r["id"], [r["id"]]):
                    extra["register"].setdefault(str(lid), []).append(
                        (cid, f"{r.get('register') or 'register'}: fulfilled by this letter (KamerbriefNakoming)"))
    return extra


def link_store(store, *, incremental: bool = True, progress: Optional[Callable[[int, int], None]] = None,
               kinds: tuple[str, ...] = ("letter",), keep: int = KEEP, threshold: float = ACCEPT_THRESHOLD,
               update_status: bool = True) -> dict:
    """Link every follow-up document in the store; write table `links`. Idempotent: re-running with nothing
    new writes nothing. Incremental: only letters that are new or changed, and letters that share a blocking
    key with a new or changed motion/commitment, are (re)linked. `incremental=False` relinks all.
    `update_status=False`: leave the status ledger to the caller (`build` computes it for its own day)."""
    from ..store import now_iso
    stats: dict[str, Any] = sync_motions(store)
    targets = targets_from_store(store)
    extra = _extraction_maps(store)
    state = {(k, i): f for k, i, f in store.db.execute("select kind, id, fingerprint from link_state")}
    qk = ",".join("?" * len(kinds))
    letter_rows = list(store.db.query(f"select id, title, text, date, dossier, ministry, meta, updated_at from documents "
                                      f"where kind in ({qk}) order by id", list(kinds)))
    letters = [(letter_from_store(r, extra), r.get("updated_at") or "") for r in letter_rows]
    targets += _reference_targets(store, letters, targets, stats)
    target_fp = {t.id: _target_fingerprint(t) for t in targets}
    letter_fp = {rec.id: _letter_fingerprint(rec, upd) for rec, upd in letters}
    changed_targets = [t for t in targets if state.get(("target", t.id)) != target_fp[t.id]]
    gone_targets = {i for (k, i) in state if k == "target"} - set(target_fp)
    todo = {rec.id for rec, _ in letters if not incremental or state.get(("letter", rec.id)) != letter_fp[rec.id]}
    index = build_index(targets) if (changed_targets or gone_targets or todo) else None
    if incremental and (changed_targets or gone_targets) and index is not None:
        todo |= _affected_letters(store, index, letters, todo, changed_targets, gone_targets)
    n_links, n_written = _relink(store, index, [rec for rec, _ in letters if rec.id in todo], letter_fp, keep,
                                 threshold, progress)
    now = now_iso()
    with store.transaction():
        if changed_targets:
            store.db["link_state"].upsert_all([{"kind": "target", "id": t.id, "fingerprint": target_fp[t.id],
                                                "updated_at": now} for t in changed_targets], pk=("kind", "id"))
        if gone_targets:
            store.db.conn.executemany("delete from link_state where kind = 'target' and id = ?",
                                      [(g,) for g in gone_targets])
    stats.update({"letters": len(letters), "targets": len(targets), "relinked": len(todo), "links": n_links,
                  "rows_written": n_written,
                  "accepted": store.db.execute("select count(*) from links where accepted = 1").fetchone()[0]})
    # the status ledger follows the links: rebuilt here when anything it reads changed (queries only read it)
    if update_status:
        from ..status import compute_status, ensure_status
        if n_written or changed_targets or gone_targets:
            compute_status(store)
        else:
            ensure_status(store)
    return stats


def _reference_targets(store, letters: list[tuple], targets: list[Target], stats: dict) -> list[Target]:
    """Motions a letter cites that the store does not hold yet get a row known_from='reference'."""
    from ..store import now_iso
    known = {t.id.lower() for t in targets}
    new_rows = []
    for rec, _ in letters:
        for m in rec.mentions:
            if m.ref and m.ref.lower() not in known and re.match(r"kst-", m.ref, re.I):
                row = _reference_motion_row(m.ref, m.submitters, m.request, -1, -1, m.text, rec.date, [])
                new_rows.append({**{k: None for k in _MOTION_COLS}, **row, "updated_at": now_iso()})
                known.add(m.ref.lower())
    if not new_rows:
        return []
    with store.transaction():
        store.db["motions"].upsert_all(new_rows, pk="id", alter=True)
    stats["motions_from_references"] = stats.get("motions_from_references", 0) + len(new_rows)
    return [_motion_target(r) for r in new_rows]   # the index sorts its targets itself


def _affected_letters(store, index: CandidateIndex, letters: list[tuple], todo: set[str],
                      changed_targets: list[Target], gone_targets: set[str]) -> set[str]:
    """Letters not changed themselves that share a blocking key with a new, changed or removed target."""
    keys: set[str] = set()
    for t in changed_targets:
        keys |= index.keys_of(t)
    keys |= {"id:" + g.lower() for g in gone_targets}
    min_ord = min((t.ord for t in changed_targets if t.ord), default=0)
    changed_dossiers = {t.dossier for t in changed_targets if t.dossier}
    linked_to_gone = {r[0] for g in gone_targets for r in
                      store.db.execute("select from_id from links where to_id = ?", [g])}
    out = set()
    for rec, _ in letters:
        if rec.id in todo:
            continue
        if rec.id in linked_to_gone or ((rec.ord or 10 ** 7) + SLACK_DAYS >= min_ord and letter_keys(rec) & keys):
            out.add(rec.id)
        elif rec.dossier in changed_dossiers:
            out.add(rec.id)
    return out


def _relink(store, index: Optional[CandidateIndex], recs: list[LetterRec], letter_fp: dict[str, str], keep: int,
            threshold: float, progress: Optional[Callable[[int, int], None]]) -> tuple[int, int]:
    """Link the letters `recs`, writing per batch of 2,000; returns (links made, rows written)."""
    n_links = n_written = 0
    batch: list[tuple[str, list[Link]]] = []
    qvs = index.vectorizer.transform([" ".join(terms(r.title + " " + r.text[:20000])) for r in recs]) \
        if (index is not None and index.matrix is not None and recs) else None
    from .model import load
    model = load()
    for j, rec in enumerate(recs):
        links = link_letter(index, rec, keep=keep, threshold=threshold, qv=qvs[j] if qvs is not None else None,
                            model=model)
        n_links += len(links)
        batch.append((rec.id, links))
        if len(batch) >= 2000:
            n_written += _write_links(store, batch, letter_fp)
        if progress:
            progress(j + 1, len(recs))
    n_written += _write_links(store, batch, letter_fp)
    return n_links, n_written


def _write_links(store, batch: list[tuple[str, list[Link]]], letter_fp: dict[str, str]) -> int:
    """Write one batch of letters' links (only what changed) and their fingerprints; empties the batch."""
    from ..store import now_iso
    if not batch:
        return 0
    now = now_iso()
    ids = [lid for lid, _ in batch]
    old: dict[str, dict[str, dict]] = {}
    for j in range(0, len(ids), 500):
        part = ids[j:j + 500]
        for r in store.db.query("select * from links where from_id in (%s)" % ",".join("?" * len(part)), part):
            old.setdefault(r["from_id"], {})[r["to_id"]] = r
    rows, gone = [], []
    for lid, links in batch:
        o_l = old.get(lid, {})
        new = {l.to_id for l in links}
        gone += [(lid, to_id) for to_id in o_l if to_id not in new]
        for l in links:
            row = {"from_id": l.from_id, "to_id": l.to_id, "relation": l.relation, "score": l.score,
                   "accepted": int(l.accepted), "evidence": l.evidence, "rank": l.rank}
            o = o_l.get(l.to_id)
            if o and all(o.get(k) == v for k, v in row.items()):
                continue
            rows.append({**row, "updated_at": now})
    with store.transaction():
        if gone:
            store.db.conn.executemany("delete from links where from_id = ? and to_id = ?", gone)
        if rows:
            store.db["links"].upsert_all(rows, pk=("from_id", "to_id"))
        store.db["link_state"].upsert_all([{"kind": "letter", "id": lid, "fingerprint": letter_fp[lid],
                                            "updated_at": now} for lid in ids], pk=("kind", "id"))
    batch.clear()
    return len(rows) + len(gone)


def export_links(store, k: int = 10) -> Iterator[dict]:
    """One line per linked-from document, spec/extract-io.md §2:
    {"from": ID, "candidates": [{"to", "score", "accepted", "relation", "evidence"}, ...]} best first."""
    cur_from, cands = None, []
    for r in store.db.query("select from_id, to_id, score, accepted, relation, evidence, rank from links "
                            "order by from_id, rank, score desc, to_id"):
        if r["from_id"] != cur_from:
            if cur_from is not None:
                yield {"from": cur_from, "candidates": cands[:k]}
            cur_from, cands = r["from_id"], []
        cands.append({"to": r["to_id"], "score": r["score"], "accepted": bool(r["accepted"]),
                      "relation": r["relation"], "evidence": r["evidence"]})
    if cur_from is not None:
        yield {"from": cur_from, "candidates": cands[:k]}


__all__ = [_n for _n in dir() if not _n.startswith("__")]
