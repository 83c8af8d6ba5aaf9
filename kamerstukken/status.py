"""The status ledger: for every motion and commitment, whether a letter carried it out, and when.

Recomputed from the store (motions, commitments, links, documents, motion_mentions) by `compute_status`,
which rebuilds the table `status` every time; nothing here is edited by hand.

status         meaning
open           no accepted fulfilling letter; no deadline passed (or none known)
overdue        no accepted fulfilling letter and the deadline's end lies before `today` (days_overdue)
fulfilled      an accepted `fulfils` link from a letter (fulfilled_by, fulfilled_on)
fulfilled_late as fulfilled, but the letter came after the deadline's end (days_late = letter date - end);
               claimed_by is set as well when that letter declared it done
claimed_done   a letter declares it done ("als afgedaan", "Afdoening van de motie"), in time or without a
               deadline; fulfilled_by = claimed_by = that letter
not_adopted    a motion the Kamer rejected or that was withdrawn (nothing to carry out), whatever letters say
held           a motion held back (aangehouden): not voted on (yet)
replaced       a motion replaced by an amended motion (gewijzigde motie, "t.v.v."); replaced_by names it
decision_unknown  a motion whose decision nothing tells: never counted open or overdue

Only a motion the Kamer adopted can be open, overdue or fulfilled. Every motion row carries the decision
(`decision`: adopted | rejected | withdrawn | held | unknown, see `kamerstukken.decision`), the decision as
published (`besluit`) and where it comes from (`decision_source`: tk-odata, eerstekamer.nl, the JSON Lines
record, "third party, unverified", or a citing letter: "inferred from kst-…: “Uw Kamer heeft … verzocht”").

Zaak.Afgedaan (motions.tk_process_finished) means only that the Kamer finished with the motion; it is NOT
fulfilment and is not used. Where a register (TK toezegging status, EK uitvoeringsstatus) says otherwise
than the links, both are kept and `register_disagrees` is set, with a note.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Optional

import json

from .register import deadline_basis, deadline_moves, history_of, status_class

from .decision import SOURCE_THIRD_PARTY, decision_of, fold, inferred_adoption, motion_status, replaced_motion

STATUSES = ("open", "overdue", "fulfilled", "fulfilled_late", "claimed_done", "not_adopted", "held", "replaced",
            "decision_unknown")
DONE = {"fulfilled", "fulfilled_late", "claimed_done"}


@dataclass
class StatusRow:
    id: str
    kind: str                      # motion | commitment
    title: str = ""
    date: Optional[str] = None
    dossier: Optional[str] = None
    ministry: Optional[str] = None
    member: Optional[str] = None   # submitters (motion) or the member the promise was made to (commitment)
    deadline_text: Optional[str] = None
    deadline_end: Optional[str] = None
    status: str = "open"
    fulfilled_by: Optional[str] = None
    fulfilled_on: Optional[str] = None
    days_late: Optional[int] = None
    days_overdue: Optional[int] = None
    claimed_by: Optional[str] = None
    responded_by: Optional[str] = None
    register_status: Optional[str] = None
    register_disagrees: bool = False
    note: str = ""
    deadline_basis: Optional[str] = None   # which deadline `deadline_end` is, in words (register history)
    decision: Optional[str] = None         # motions: adopted | rejected | withdrawn | held | unknown
    decision_source: Optional[str] = None  # where the decision comes from
    besluit: Optional[str] = None          # the decision as published
    replaced_by: Optional[str] = None      # the amended motion that replaces this one

    def to_dict(self) -> dict:
        return asdict(self)


def register_class(value: Optional[str]) -> Optional[str]:
    """"Voldaan" -> done, "Openstaand" -> open, "Vervallen" -> lapsed, "Deels voldaan" -> partly,
    "Niet nagekomen" -> not_kept (see kamerstukken.register)."""
    return status_class(value)


def _d(s: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat(str(s)[:10]) if s else None
    except ValueError:
        return None


def _loads(s: Any, default: Any) -> Any:
    if s in (None, ""):
        return default
    if not isinstance(s, str):
        return s
    try:
        return json.loads(s)
    except ValueError:
        return default


def decide(target_date: Optional[str], deadline_end: Optional[str], fulfilling: list[tuple[str, str]],
           claims: list[tuple[str, str]], today: date) -> dict:
    """The status of one motion or commitment from its accepted fulfilling letters [(letter id, date)], the
    letters that declare it done, its deadline end and `today`. Pure."""
    out: dict[str, Any] = {"status": "open", "fulfilled_by": None, "fulfilled_on": None, "days_late": None,
                           "days_overdue": None, "claimed_by": None}
    end = _d(deadline_end)
    t0 = _d(target_date)
    fl = sorted((d, lid) for lid, d in fulfilling if d and (t0 is None or _d(d) is None or _d(d) >= t0))
    cl = sorted((d, lid) for lid, d in claims if d)
    first = min(fl + cl) if (fl or cl) else None
    if first:
        out["fulfilled_on"], out["fulfilled_by"] = first
        if cl:
            out["claimed_by"] = cl[0][1]
        fd = _d(first[0])
        if end and fd and fd > end:
            out["days_late"] = (fd - end).days
        # lateness first (the figure clerks ask for); then whether a letter declared it done
        out["status"] = "fulfilled_late" if out["days_late"] else ("claimed_done" if cl else "fulfilled")
    elif end and today > end:
        out["status"] = "overdue"
        out["days_overdue"] = (today - end).days
    return out


def _links_by_target(store) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    q = ("select l.from_id, l.to_id, l.relation, l.score, l.accepted, l.evidence, d.date as letter_date, "
         "d.title as letter_title from links l left join documents d on d.id = l.from_id where l.accepted = 1")
    for r in store.db.query(q):
        out.setdefault(r["to_id"], []).append(r)
    return out


def _declared_done(store) -> dict[str, list[tuple[str, str]]]:
    """Letters that declare a motion done, by the motion's id (motion_mentions.declared_done with a ref); the
    links whose evidence says so are added by `_from_links`."""
    out: dict[str, list[tuple[str, str]]] = {}
    q = ("select mm.ref, mm.doc_id, d.date from motion_mentions mm left join documents d on d.id = mm.doc_id "
         "where mm.declared_done = 1 and mm.ref is not null")
    for ref, doc_id, d in store.db.execute(q):
        out.setdefault(ref, []).append((doc_id, d))
    return out


def _from_links(ls: list[dict]) -> tuple[list[tuple], list[tuple], Optional[str]]:
    """From a target's accepted links: the fulfilling letters, those that declare it done, and the first letter
    that responds to it (by date)."""
    fulfilling = [(l["from_id"], l["letter_date"]) for l in ls if l["relation"] == "fulfils"]
    claims = [(l["from_id"], l["letter_date"]) for l in ls
              if l["relation"] == "fulfils" and "declared done" in (l["evidence"] or "")]
    responds = sorted((l["letter_date"] or "", l["from_id"]) for l in ls if l["relation"] == "responds")
    return fulfilling, claims, (responds[0][1] if responds else None)


def _amended_by(motions: list[dict]) -> dict[str, str]:
    """original motion id -> the amended motion that replaces it (the latest when there are several)."""
    out: dict[str, tuple] = {}
    for m in motions:
        orig = replaced_motion(m["id"], m.get("title") or "", m.get("head") or "")
        if orig and orig != m["id"]:
            key = (m.get("date") or "", m["id"])
            if orig not in out or key > out[orig]:
                out[orig] = key
    return {k: v[1] for k, v in out.items()}


def _adoption_evidence(store) -> dict[str, tuple[str, str]]:
    """motion id -> (letter id, why) for motions a letter names by reference in words that say the Kamer
    adopted it ("Uw Kamer heeft bij motie … verzocht", "aangenomen motie") or declare it done."""
    out: dict[str, tuple[str, str]] = {}
    q = ("select mm.ref, mm.doc_id, mm.declared_done, d.date, "
         "substr(d.text, max(1, coalesce(mm.char_start, 0) - 250), 650) as ctx "
         "from motion_mentions mm join documents d on d.id = mm.doc_id "
         "where mm.ref is not null and mm.ref != '' and d.kind != 'motion' order by d.date, mm.doc_id, mm.idx")
    for ref, doc_id, declared, _d, ctx in store.db.execute(q):
        if ref in out:
            continue
        why = inferred_adoption(ctx or "", bool(declared))
        if why:
            out[ref] = (doc_id, why)
    return out


def _decision(m: dict, evidence: dict[str, tuple[str, str]]) -> tuple[str, Optional[str]]:
    """A motion's decision and its provenance (stored, or inferred from a citing letter)."""
    besluit = m.get("besluit")
    dec = decision_of(besluit)
    src = m.get("besluit_source") or (None if not besluit else "unknown source")
    if dec == "unknown" and m["id"] in evidence:
        lid, why = evidence[m["id"]]
        return "adopted", f"inferred from {lid}: {why}"
    return dec, src


def motion_status_row(m: dict, ls: list[dict], declared: list[tuple[str, str]], replaced_by: Optional[str],
                      evidence: dict[str, tuple[str, str]], today: date) -> StatusRow:
    """The ledger row of one motion: its decision first, the letters only for an adopted motion."""
    mid = m["id"]
    fulfilling, claims, responded_by = _from_links(ls)
    for lid, d in declared:
        if all(lid != c[0] for c in claims):
            claims.append((lid, d))
    dec = decide(m.get("date"), m.get("deadline_end"), fulfilling, claims, today)
    subs = _loads(m.get("submitters"), [])
    row = StatusRow(id=mid, kind="motion", title=m.get("title") or "", date=m.get("date"),
                    dossier=m.get("dossier"), member=", ".join(subs) or None,
                    deadline_text=m.get("deadline_text"), deadline_end=m.get("deadline_end"), **dec)
    row.responded_by = responded_by
    row.decision, row.decision_source = _decision(m, evidence)
    row.besluit, row.replaced_by = m.get("besluit"), replaced_by
    fixed = motion_status(row.decision, replaced_by)
    if fixed:
        if row.fulfilled_by:
            row.note = _join(row.note, f"{row.fulfilled_by} is linked as fulfilling it, but the decision is "
                                       f"{row.decision} ({row.decision_source or 'no source'})")
        row.status, row.days_overdue, row.days_late = fixed, None, None
        row.fulfilled_by = row.fulfilled_on = row.claimed_by = None
    if fixed == "replaced":
        row.note = _join(row.note, f"replaced by the amended motion {replaced_by}")
    if row.decision_source and row.decision_source.startswith(SOURCE_THIRD_PARTY):
        row.note = _join(row.note, "decision from a third party, unverified")
    _register(row, m.get("uitvoeringsstatus"))
    if m.get("known_from") == "reference":
        row.note = _join(row.note, "known only from a citing letter")
    return row


def compute_status(store, today: Optional[date] = None) -> list[StatusRow]:
    """Rebuild the table `status` from the store and return its rows (motions first, then commitments)."""
    from .store import now_iso
    today = today or date.today()
    links = _links_by_target(store)
    declared = _declared_done(store)
    motions = list(store.db.query("select m.*, substr(d.text, 1, 600) as head from motions m "
                                  "left join documents d on d.id = m.doc_id order by m.date, m.id"))
    amended = _amended_by(motions)
    evidence = _adoption_evidence(store)
    rows: list[StatusRow] = [motion_status_row(m, links.get(m["id"], []), declared.get(m["id"], []),
                                               amended.get(m["id"]), evidence, today) for m in motions]
    q = ("select c.*, d.date as doc_date, d.dossier as doc_dossier, d.ministry as doc_ministry "
         "from commitments c left join documents d on d.id = c.doc_id order by c.date, c.id")
    for c in store.db.query(q):
        cid = c["id"]
        # the document a commitment was made in does not settle it
        fulfilling, claims, responded_by = _from_links([l for l in links.get(cid, [])
                                                        if l["from_id"] != c.get("doc_id")])
        dec = decide(c.get("date") or c.get("doc_date"), c.get("deadline_end"), fulfilling, claims, today)
        row = StatusRow(id=cid, kind="commitment", title=c.get("text") or c.get("topic") or "",
                        date=c.get("date") or c.get("doc_date"), dossier=c.get("doc_dossier"),
                        ministry=c.get("ministry") or c.get("doc_ministry"), member=c.get("member"),
                        deadline_text=c.get("deadline_text"), deadline_end=c.get("deadline_end"), **dec)
        row.responded_by = responded_by
        _register(row, c.get("register_status"))
        row.deadline_basis = _basis(store, c)
        rows.append(row)
    now = now_iso()
    with store.transaction():
        store.db.execute("delete from status")
        if rows:
            store.db["status"].insert_all(({**r.to_dict(), "register_disagrees": int(r.register_disagrees),
                                            "today": today.isoformat(), "computed_at": now} for r in rows),
                                          pk="id", replace=True, alter=True)
        store.db["status"].create_index(["kind", "deadline_end"], if_not_exists=True)
        store.db["status"].create_index(["kind", "ministry"], if_not_exists=True)
        store.db["meta"].upsert({"key": "status_computed", "value": now}, pk="key")
    return rows


def ensure_status(store, today: Optional[date] = None) -> None:
    """The ledger is rebuilt by `link` (and `build`); a query only computes it when it was never built."""
    if not store.db.execute("select 1 from meta where key = 'status_computed'").fetchone():
        compute_status(store, today)


# Open vs overdue depends on the day you ask: the stored rows keep what the letters settle, and each query
# derives overdue and days_overdue for its own `today` (same rule as `decide`).
_AS_OF = """select s.id, s.kind, s.title, s.date, s.dossier, s.ministry, s.member, s.deadline_text,
  s.deadline_end,
  case when s.status in ('open', 'overdue')
       then case when s.deadline_end is not null and s.deadline_end < :today then 'overdue' else 'open' end
       else s.status end as status,
  s.fulfilled_by, s.fulfilled_on, s.days_late,
  case when s.status in ('open', 'overdue') and s.deadline_end is not null and s.deadline_end < :today
       then cast(julianday(:today) - julianday(s.deadline_end) as integer) end as days_overdue,
  s.claimed_by, s.responded_by, s.register_status, s.register_disagrees, s.note, s.deadline_basis, s.decision,
  s.decision_source, s.besluit, s.replaced_by, :today as today, s.computed_at
  from status s"""


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def _basis(store, c: dict) -> Optional[str]:
    if c.get("register_id"):
        return deadline_basis(history_of(store, c["register_id"]), c.get("deadline_end"))
    if c.get("deadline_end"):
        return f"deadline from the text: {c.get('deadline_text') or c['deadline_end']}"
    return None


def _register(row: StatusRow, value: Optional[str]) -> None:
    """Keep what a register says next to our status; flag where the two disagree."""
    if not value:
        return
    row.register_status = value
    cls = register_class(value)
    ours_done = row.status in DONE
    if cls == "done" and not ours_done:
        row.register_disagrees = True
        row.note = _join(row.note, f"register says {value!r}, no fulfilling letter found")
    elif cls == "open" and ours_done:
        row.register_disagrees = True
        row.note = _join(row.note, f"register says {value!r}, but {row.fulfilled_by} fulfils it")
    elif cls is None:
        row.note = _join(row.note, f"unknown register status {value!r} (kept as given)")
    elif cls == "not_kept" and ours_done:
        row.register_disagrees = True
        row.note = _join(row.note, f"register says {value!r}, but {row.fulfilled_by} fulfils it")
    elif cls == "lapsed" and row.status == "overdue":
        row.register_disagrees = True
        row.note = _join(row.note, f"register says {value!r} (lapsed), deadline passed without a letter")


# --------------------------------------------------------------------------- queries

def _rows(store, sql: str, args) -> list[dict]:
    return list(store.db.query(sql, args))


def status_of(store, id: str, today: Optional[date] = None) -> dict:
    """Everything about one motion, commitment or letter: its text, deadline, links with evidence, status."""
    today = today or date.today()
    ensure_status(store, today)
    out: dict[str, Any] = {"id": id}
    m = _rows(store, "select * from motions where id = ?", [id])
    c = _rows(store, "select * from commitments where id = ?", [id]) if "commitments" in store.db.table_names() else []
    doc = store.get_document_row(id)
    if m:
        m = m[0]
        out.update(kind="motion", title=m.get("title"), date=m.get("date"), dossier=m.get("dossier"),
                   submitters=_loads(m.get("submitters"), []), text=" ".join(_loads(m.get("dicta"), [])),
                   known_from=m.get("known_from"), kabinetsappreciatie=m.get("kabinetsappreciatie"),
                   tk_process_finished=m.get("tk_process_finished"))
        out.update({k: (_loads(m.get(k), []) if k in ("cosigners", "parties_for", "parties_against") else m.get(k))
                    for k in ("besluit", "cosigners", "debate", "besluit_note", "parties_for", "parties_against")
                    if m.get(k)})
    elif c:
        c = c[0]
        out.update(kind="commitment", title=c.get("topic") or "", text=c.get("text"), date=c.get("date"),
                   member=c.get("member"), ministry=c.get("ministry"), doc_id=c.get("doc_id"),
                   register_status=c.get("register_status"))
        if c.get("register_id"):
            out["register_history"] = history_of(store, c["register_id"])
    elif doc:
        out.update(kind=doc.get("kind"), title=doc.get("title"), date=doc.get("date"), text=(doc.get("text") or "")[:2000])
    else:
        raise KeyError(id)
    src = m or c
    if src:
        out["deadline"] = {k: src.get(f"deadline_{k}") for k in ("text", "kind", "start", "end")}
    out["links"] = _rows(store, "select l.from_id, l.relation, l.score, l.accepted, l.evidence, l.rank, d.date, "
                                "d.title from links l left join documents d on d.id = l.from_id "
                                "where l.to_id = ? order by l.accepted desc, l.score desc", [id])
    out["links_from"] = _rows(store, "select to_id, relation, score, accepted, evidence, rank from links "
                                     "where from_id = ? order by rank", [id])
    st = _rows(store, _AS_OF + " where s.id = :id", {"today": today.isoformat(), "id": id})
    out["status"] = st[0] if st else None
    for l in out["links"] + out["links_from"]:
        l["accepted"] = bool(l["accepted"])
    if out["status"]:
        out["status"]["register_disagrees"] = bool(out["status"]["register_disagrees"])
    return out


def list_commitments(store, overdue: bool = False, ministry: Optional[str] = None, since: Optional[str] = None,
                     member: Optional[str] = None, today: Optional[date] = None,
                     deadline_moved: Optional[int] = None) -> list[dict]:
    """Commitments with their status; `overdue` only those past their deadline without a fulfilling letter,
    `ministry` a short code (BZK), `since` made on or after an ISO date, `member` part of a member's name,
    `deadline_moved` only register entries whose published deadline moved at least that many times."""
    rows = _list_commitments(store, overdue, ministry, since, member, today)
    if deadline_moved is None:
        return rows
    moved = {r["id"]: r for r in deadline_moves(store, min_moves=deadline_moved)}
    return [{**r, "deadline_moves": moved[r["id"]]["moves"], "deadlines": moved[r["id"]]["deadlines"]}
            for r in rows if r["id"] in moved]


def _list_commitments(store, overdue, ministry, since, member, today) -> list[dict]:
    today = today or date.today()
    ensure_status(store, today)
    sql, args = _AS_OF + " where s.kind = 'commitment'", {"today": today.isoformat()}
    if overdue:
        sql += " and s.status in ('open', 'overdue') and s.deadline_end < :today"
    if ministry:
        sql += " and upper(s.ministry) = upper(:ministry)"
        args["ministry"] = ministry
    if since:
        sql += " and s.date >= :since"
        args["since"] = since
    if member:
        sql += " and s.member like :member"
        args["member"] = f"%{member}%"
    sql += " order by days_overdue desc nulls last, s.deadline_end, s.date, s.id"
    return _rows(store, sql, args)


def list_motions(store, open_only: bool = False, dossier: Optional[str] = None,
                 today: Optional[date] = None) -> list[dict]:
    """Motions with their status; `open_only` keeps open and overdue ones; `dossier` e.g. "35300-VII"."""
    today = today or date.today()
    ensure_status(store, today)
    sql, args = _AS_OF + " where s.kind = 'motion'", {"today": today.isoformat()}
    if open_only:
        sql += " and s.status in ('open', 'overdue')"
    if dossier:
        # "36600" finds the whole budget dossier (36600-VII, 36600-XV, ...); "35 300 VII" its chapter
        d = re.sub(r"\s+", "-", dossier.strip())
        d = re.sub(r"^(\d{2})-(\d{3})", r"\1\2", d)
        sql += " and (s.dossier = :dossier or s.dossier like :prefix)"
        args.update(dossier=d, prefix=d + "-%")
    sql += " order by s.date, s.id"
    return _rows(store, sql, args)
