"""Pipeline stages over the store: the edges around the pure NLP functions.

`extract_all` reads documents in batches, runs `extract_document` on each and replaces that document's
extraction rows in one transaction per batch: re-running replaces, never duplicates.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from .models import Document, Extractions
from .store import Store, crash_point

EXTRACTION_TABLES = ("references", "motion_mentions", "statements", "deadlines")


@dataclass
class ExtractResult:
    documents: int = 0
    counts: dict = field(default_factory=lambda: {t: 0 for t in EXTRACTION_TABLES})
    errors: list[tuple[str, str]] = field(default_factory=list)
    chars: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)   # documents cut at the NLP budget


def save_extractions(store: Store, doc: Document, ex: Extractions) -> dict[str, int]:
    """Replace the extraction rows of one document (call inside a transaction)."""
    db = store.db
    did = doc.id
    for t in EXTRACTION_TABLES:
        db.execute(f"delete from [{t}] where doc_id = ?", [did])
    db.execute("delete from commitments where doc_id = ? and source in ('extracted', 'register')", [did])
    refs = [{"doc_id": did, "idx": i, "text": r.text, "char_start": r.char_start, "char_end": r.char_end,
             "ref_id": r.id, "via": r.via} for i, r in enumerate(ex.references)]
    mentions = [{"doc_id": did, "idx": i, "text": m.text, "char_start": m.char_start, "char_end": m.char_end,
                 "ref": m.ref, "submitters": json.dumps(m.submitters, ensure_ascii=False),
                 "declared_done": int(m.declared_done), "request": m.request} for i, m in enumerate(ex.motions)]
    stmts = [{"doc_id": did, "idx": i, "text": s.text, "char_start": s.char_start, "char_end": s.char_end,
              "type": s.type, "score": s.score, "actor": s.actor, "action": s.action, "topic": s.topic,
              "member": s.member, "points_to": json.dumps(s.points_to, ensure_ascii=False)}
             for i, s in enumerate(ex.statements)]
    st_of = {}
    for i, s in enumerate(ex.statements):
        for d in s.deadlines:
            st_of[(d.char_start, d.char_end)] = i
    dls = [{"doc_id": did, "idx": i, "text": d.text, "char_start": d.char_start, "char_end": d.char_end,
            "kind": d.kind, "start": d.start, "end": d.end, "statement_idx": st_of.get((d.char_start, d.char_end))}
           for i, d in enumerate(ex.deadlines)]
    for t, rows in (("references", refs), ("motion_mentions", mentions), ("statements", stmts), ("deadlines", dls)):
        if rows:
            db[t].insert_all(rows, pk=("doc_id", "idx"))
    # Commitments made in this document: one row each, with the first deadline that stands in the sentence.
    crow = []
    if doc.kind == "commitment":
        # A register entry (spec §2 kind "commitment", e.g. an EK/TK toezegging given as JSON Lines) is one
        # commitment in itself, under its own id, with the first deadline its text gives.
        d = ex.deadlines[0] if ex.deadlines else None
        st = next((x for x in ex.statements if x.type == "commitment"), None)
        crow.append({"id": did, "doc_id": did, "idx": 0, "text": doc.text or doc.title, "actor": st.actor if st else None,
                     "action": st.action if st else None, "topic": doc.title or (st.topic if st else None),
                     "member": (doc.meta.get("member") or (st.member if st else None)), "ministry": doc.ministry,
                     "date": doc.date, "deadline_text": d.text if d else None, "deadline_kind": d.kind if d else None,
                     "deadline_start": d.start if d else None, "deadline_end": d.end if d else None,
                     "char_start": 0, "char_end": len(doc.text or ""), "source": "register",
                     "register_status": doc.meta.get("status"), "register_id": did, "updated_at": doc.date})
    for i, s in enumerate(ex.statements):
        if s.type != "commitment" or doc.kind == "commitment":
            continue
        d = s.deadlines[0] if s.deadlines else None
        crow.append({"id": f"{did}#c{i}", "doc_id": did, "idx": i, "text": s.text, "actor": s.actor,
                     "action": s.action, "topic": s.topic, "member": s.member, "ministry": doc.ministry,
                     "date": doc.date, "deadline_text": d.text if d else None, "deadline_kind": d.kind if d else None,
                     "deadline_start": d.start if d else None, "deadline_end": d.end if d else None,
                     "char_start": s.char_start, "char_end": s.char_end, "source": "extracted",
                     "register_status": None, "register_id": None, "updated_at": doc.date})
    if crow:
        db["commitments"].upsert_all(crow, pk="id")
    if ex.motion_record is not None:
        save_motion_record(store, doc, ex)
    return {"references": len(refs), "motion_mentions": len(mentions), "statements": len(stmts),
            "deadlines": len(dls)}


def besluit_of_meta(meta: dict) -> dict:
    """`besluit` and `besluit_source` of a motion record (spec/extract-io.md §2): the record's own fields, else
    the corpus's third-party vote field (`besluit_motiematcher_unverified`), marked unverified."""
    from .decision import SOURCE_JSONL, SOURCE_THIRD_PARTY
    if meta.get("besluit") not in (None, ""):
        return {"besluit": str(meta["besluit"]).strip(),
                "besluit_source": str(meta.get("besluit_source") or SOURCE_JSONL).strip()}
    if meta.get("besluit_motiematcher_unverified"):
        return {"besluit": meta["besluit_motiematcher_unverified"],
                "besluit_source": SOURCE_THIRD_PARTY + " (motiematcher)"}
    return {}


def save_motion_record(store: Store, doc: Document, ex: Extractions) -> None:
    """A motion's own document completes its `motions` row (which may exist from open data or a citation)."""
    rec = ex.motion_record
    d = rec.deadlines[0] if rec.deadlines else None
    row = {"id": doc.id, "doc_id": doc.id, "title": doc.title, "date": doc.date, "dossier": doc.dossier,
           "submitters": json.dumps(rec.submitters, ensure_ascii=False),
           "considerations": json.dumps(rec.considerations, ensure_ascii=False),
           "dicta": json.dumps(rec.dicta, ensure_ascii=False),
           "deadline_text": d.text if d else None, "deadline_kind": d.kind if d else None,
           "deadline_start": d.start if d else None, "deadline_end": d.end if d else None,
           "known_from": "document"}
    if doc.meta.get("kabinetsappreciatie"):
        row["kabinetsappreciatie"] = doc.meta["kabinetsappreciatie"]
    if "api_afgedaan" in doc.meta:
        row["tk_process_finished"] = int(bool(doc.meta["api_afgedaan"]))
    row.update(besluit_of_meta(doc.meta))
    if doc.meta.get("zaak_nummer"):
        row["zaak_nummer"] = doc.meta["zaak_nummer"]
    old = next(store.db.query("select * from motions where id = ?", [doc.id]), None)
    from .decision import keep_stored_decision
    row = keep_stored_decision(old, row)
    if old:
        for k, v in list(row.items()):
            if v in (None, "", "[]") and old.get(k) not in (None, ""):
                row.pop(k)
        if all(old.get(k) == v for k, v in row.items()):
            return
    row["updated_at"] = doc.date
    store.db["motions"].upsert(row, pk="id", alter=True)


def extract_all(store: Store, *, batch: int = 200, kinds: Optional[Iterable[str]] = None,
                progress: Optional[Callable[[int], None]] = None) -> ExtractResult:
    """Run extraction over every stored document, committing per batch (safe to interrupt and re-run)."""
    from .nlp.extract import NLP_MAX_CHARS, extract_document
    res = ExtractResult()
    pending: list[tuple[Document, Extractions]] = []

    def flush():
        with store.transaction():
            for d, e in pending:
                for k, v in save_extractions(store, d, e).items():
                    res.counts[k] += v
        pending.clear()

    for doc in store.iter_documents(batch=batch, kinds=kinds):
        try:
            ex = extract_document(doc)
        except Exception as exc:
            res.errors.append((doc.id, f"{type(exc).__name__}: {exc}"))
            continue
        if len(doc.text or "") > NLP_MAX_CHARS:
            res.notes.append((doc.id, f"text of {len(doc.text):,} characters: only the first {NLP_MAX_CHARS:,} were "
                                      f"read (the NLP budget, KAMERSTUKKEN_NLP_MAX_CHARS)"))
        pending.append((doc, ex))
        crash_point()
        res.documents += 1
        res.chars += len(doc.text or "")
        if progress:
            progress(1)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    if res.documents:
        # deadlines and commitments may have changed: the status ledger is rebuilt by the next `link` or query
        with store.transaction():
            store.db.execute("delete from meta where key = 'status_computed'")
    return res
