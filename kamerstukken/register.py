"""The toezeggingen registers (TK OData, EK pages) over time, and the words they use for a status.

Every status word maps to one class:

    done      Voldaan, Afgedaan, Nagekomen, Uitgevoerd
    partly    Deels voldaan, Deels afgedaan, Deels nagekomen, Deels uitgevoerd
    open      Openstaand, Open, Niet voldaan, In behandeling, In uitvoering, Aangehouden
    not_kept  Niet nagekomen, Niet uitgevoerd          (closed without the promise kept)
    lapsed    Vervallen, Ingetrokken

A word not in this list is kept verbatim in the store (never dropped or normalised away), has no class, and is
reported by `unknown_statuses` and by the scrapers' summaries.

History: deadlines and statuses move ("blijft openstaand met nieuwe deadline …"). `record_state` appends a row
to `register_history` whenever an entry's published (status, deadline) differs from the last one seen, with
the day it was first seen, so "which promises' deadline moved three times" is a query (`deadline_moves`).
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Optional

from .link import fold

STATUS_CLASSES = ("done", "partly", "open", "not_kept", "lapsed")
REGISTER_STATUS = {
    "voldaan": "done", "afgedaan": "done", "nagekomen": "done", "uitgevoerd": "done",
    "deels voldaan": "partly", "deels afgedaan": "partly", "deels nagekomen": "partly",
    "deels uitgevoerd": "partly", "gedeeltelijk uitgevoerd": "partly",
    "openstaand": "open", "open": "open", "niet voldaan": "open", "in behandeling": "open",
    "in uitvoering": "open", "aangehouden": "open",
    "niet nagekomen": "not_kept", "niet uitgevoerd": "not_kept",
    "vervallen": "lapsed", "ingetrokken": "lapsed",
}


def status_class(value: Optional[str]) -> Optional[str]:
    """'Nagekomen' -> done, 'Deels Afgedaan' -> partly, 'Niet nagekomen' -> not_kept; unknown or empty -> None."""
    if not value:
        return None
    return REGISTER_STATUS.get(" ".join(fold(value).split()))


def is_unknown(value: Optional[str]) -> bool:
    return bool(value and value.strip()) and status_class(value) is None


def unknown_statuses(store) -> dict[str, int]:
    """Status words in the store that map to no class, verbatim, with how often each occurs."""
    seen: Counter = Counter()
    queries = ["select status from register_entries", "select uitvoeringsstatus from motions"]
    for q in queries:
        for (value,) in store.db.execute(q).fetchall():
            if is_unknown(value):
                seen[value] += 1
    return dict(seen.most_common())


def record_state(store, register_id: str, status: Optional[str], due_date: Optional[str],
                 seen_on: Optional[str] = None) -> bool:
    """Append the entry's published state when it differs from the last one recorded. True when appended."""
    from .store import now_iso
    last = store.db.execute("select status, due_date from register_history where register_id = ? "
                            "order by seen_on desc, id desc limit 1", [register_id]).fetchone()
    if last is not None and (last[0] or None, last[1] or None) == (status or None, due_date or None):
        return False
    store.db["register_history"].insert({
        "register_id": register_id, "seen_on": seen_on or date.today().isoformat(), "status": status,
        "status_class": status_class(status), "due_date": due_date, "recorded_at": now_iso()}, pk="id")
    return True


def history_of(store, register_id: str) -> list[dict]:
    """Every published state of one entry, oldest first."""
    return list(store.db.query("select seen_on, status, status_class, due_date from register_history "
                               "where register_id = ? order by seen_on, id", [register_id]))


def deadlines_of(history: list[dict]) -> list[str]:
    """The distinct deadlines in the order they were published (a deadline set back is counted again)."""
    out: list[str] = []
    for h in history:
        d = h.get("due_date")
        if d and (not out or out[-1] != d):
            out.append(d)
    return out


def deadline_moves(store, min_moves: int = 1) -> list[dict]:
    """Entries whose deadline moved at least `min_moves` times: id, moves, the deadlines in order."""
    out = []
    ids = [r[0] for r in store.db.execute("select distinct register_id from register_history").fetchall()]
    for rid in ids:
        ds = deadlines_of(history_of(store, rid))
        if len(ds) - 1 >= min_moves:
            out.append({"id": rid, "moves": len(ds) - 1, "deadlines": ds})
    return sorted(out, key=lambda r: (-r["moves"], r["id"]))


def deadline_basis(history: list[dict], deadline_end: Optional[str]) -> Optional[str]:
    """The ledger's own words for the deadline it measures against."""
    ds = deadlines_of(history)
    if not deadline_end:
        return None
    if not ds:
        return f"deadline {deadline_end}"
    first = next(h["seen_on"] for h in history if h.get("due_date") == ds[-1])
    if len(ds) == 1:
        return f"register deadline {deadline_end} (the only one published, seen {first})"
    return (f"latest register deadline {deadline_end} (published {first}; moved {len(ds) - 1} times, "
            f"earlier {', '.join(ds[:-1])})")
