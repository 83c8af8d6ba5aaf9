"""Watches: a stored filter over motions and commitments, and what changed for it since its last run.

    add_watch(store, Watch("bzk", ministry="BZK"))      # kamerstukken watch add bzk --ministry BZK
    run_watches(store, today=date(2020, 12, 1))         # kamerstukken watch run --today 2020-12-01

A run reads the items through the status module's public listings (`list_commitments`, `list_motions`, as of
`today`), compares each with what the watch saw last time (table `watch_items`) and reports events:

event         when
new           a motion or commitment the watch has not seen before
overdue       its deadline's end passed without a fulfilling letter
fulfilled     a letter fulfils it (in time or late: `new` holds the status); `letter` is that letter
claimed_done  a letter declares it done
answered      a letter responds to it (without carrying it out)
deadline      its deadline's end moved (`old` -> `new`)
due_soon      a reminder: the end of its due interval comes close (see `remind_on`)
status        any other change of status (e.g. a motion rejected or withdrawn)

Each watch runs in one transaction: the events, the new item states and the watch's last run are written
together, so an interrupted run leaves the previous state and simply runs again. Every event has a stable id
(`atom_id`, a UUID from watch, item, event and value), inserted once: running again reports nothing new, and
a feed reader shows each event once.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from typing import Optional

from .status import DONE, list_commitments, list_motions

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
FILTERS = ("ministry", "member", "dossier", "item_id", "query")
_NS = uuid.UUID("1f0c7a52-6f5e-4d0b-9a53-6b616d657273")  # fixed namespace of kamerstukken event ids

# reminder lead: the last sixth of the time between the promise and the end of its interval, 1 to 60 days
REMIND_FRACTION, REMIND_MIN_DAYS, REMIND_MAX_DAYS = 6, 1, 60


class WatchError(ValueError):
    """A watch that cannot be added, found or run; the message is one line for the user."""


@dataclass
class Watch:
    name: str
    ministry: Optional[str] = None   # ministry code (BZK), commitments only: motions carry no ministry
    member: Optional[str] = None     # part of a member's name (submitter of a motion, member of a commitment)
    dossier: Optional[str] = None    # dossier number; "36600" takes every chapter (36600-VII, ...)
    item_id: Optional[str] = None    # one motion or commitment, or a document's commitments (kst-35300-VII-109)
    query: Optional[str] = None      # words that must all occur in the title/text (accents and case ignored)
    created_at: Optional[str] = None
    last_run_at: Optional[str] = None
    last_today: Optional[str] = None

    def filters(self) -> dict:
        return {k: getattr(self, k) for k in FILTERS if getattr(self, k)}


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s or "")
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def _dossier_match(want: str, have: Optional[str]) -> bool:
    w = re.sub(r"\s+", "-", want.strip())
    w = re.sub(r"^(\d{2})-(\d{3})", r"\1\2", w)
    return bool(have) and (have == w or have.startswith(w + "-"))


def matches(w: Watch, row: dict) -> bool:
    """Whether a status row (as `list_commitments` / `list_motions` give it) falls under the watch: every filter
    that is set must hold. Pure."""
    if w.ministry and (row.get("ministry") or "").upper() != w.ministry.upper():
        return False
    if w.member and _fold(w.member) not in _fold(row.get("member") or ""):
        return False
    if w.dossier and not _dossier_match(w.dossier, row.get("dossier")):
        return False
    if w.item_id and row["id"] != w.item_id and not row["id"].startswith(w.item_id + "#"):
        return False
    if w.query:
        text = _fold(row.get("title") or "")
        if not all(word in text for word in _fold(w.query).split()):
            return False
    return True


def remind_on(made: Optional[date], end: date) -> date:
    """The day a reminder is due for an item that must be done by `end`, promised on `made`: a sixth of the time
    between the two before the end, at least 1 and at most 60 days. A half-year term is reminded a month before
    its end (never a month into it); "binnen drie weken" three days before. Pure."""
    span = (end - made).days if made else 0
    lead = min(REMIND_MAX_DAYS, max(REMIND_MIN_DAYS, span // REMIND_FRACTION))
    return end - timedelta(days=lead)


def _d(s: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat(str(s)[:10]) if s else None
    except ValueError:
        return None


def event_id(watch: str, item_id: str, event: str, value: Optional[str]) -> str:
    """The stable Atom id of an event: the same watch, item, event and value always give the same id."""
    return "urn:uuid:" + str(uuid.uuid5(_NS, "\0".join((watch, item_id, event, value or ""))))


def _event(watch: str, row: dict, event: str, today: date, old=None, new=None, letter=None, detail="") -> dict:
    key = letter if event in ("fulfilled", "claimed_done", "answered") else (new if new is not None else "")
    return {"atom_id": event_id(watch, row["id"], event, key), "watch": watch, "item_id": row["id"],
            "item_kind": row.get("kind"), "event": event, "day": today.isoformat(),
            "old": old, "new": new, "letter": letter, "title": (row.get("title") or "")[:500], "detail": detail}


def _status_events(watch: str, prev: dict, row: dict, today: date) -> list[dict]:
    old, new = prev.get("status"), row.get("status")
    if old == new:
        return []
    if new == "overdue":
        return [_event(watch, row, "overdue", today, old, row.get("deadline_end"),
                       detail=f"deadline {row.get('deadline_end')} ({row.get('deadline_text') or '?'}) passed "
                              f"without a fulfilling letter")]
    if new in DONE:
        letter = row.get("fulfilled_by") or row.get("claimed_by")
        kind = "claimed_done" if new == "claimed_done" else "fulfilled"
        late = f", {row['days_late']} days late" if row.get("days_late") else ""
        return [_event(watch, row, kind, today, old, new, letter,
                       detail=f"{new} by {letter} ({row.get('fulfilled_on') or '?'}){late}")]
    if old is None and new == "open":
        return []
    if old == "overdue" and new == "open" and prev.get("deadline_end") != row.get("deadline_end"):
        return []  # the deadline moved: reported as such
    return [_event(watch, row, "status", today, old, new, detail=f"status {old} -> {new}")]


def diff_item(watch: str, prev: Optional[dict], row: dict, today: date) -> tuple[list[dict], dict]:
    """What changed for one item since the watch last saw it (`prev`, None the first time), and the state to keep.
    Pure: a plain status row and a plain state dict in, events and a state dict out."""
    events = []
    first = prev is None
    prev = prev or {"status": None, "deadline_end": row.get("deadline_end"), "responded_by": None,
                    "reminded_end": None, "first_seen": today.isoformat()}
    if first:
        events.append(_event(watch, row, "new", today, new=row.get("status"),
                             detail=f"{row.get('kind')} of {row.get('date') or '?'}, status {row.get('status')}"
                                    + (f", due {row['deadline_end']}" if row.get("deadline_end") else "")))
    end = row.get("deadline_end")
    if not first and end != prev.get("deadline_end"):
        events.append(_event(watch, row, "deadline", today, prev.get("deadline_end"), end,
                             detail=f"deadline moved from {prev.get('deadline_end')} to {end}"))
    events += _status_events(watch, prev, row, today)
    if row.get("responded_by") and row["responded_by"] != prev.get("responded_by"):
        events.append(_event(watch, row, "answered", today, letter=row["responded_by"],
                             detail=f"{row['responded_by']} responds to it"))
    reminded = prev.get("reminded_end")
    due = _d(end)
    if row.get("status") == "open" and due and reminded != end:
        made = _d(row.get("date")) or _d(prev.get("first_seen"))
        if remind_on(made, due) <= today <= due:
            events.append(_event(watch, row, "due_soon", today, new=end,
                                 detail=f"due {end} ({row.get('deadline_text') or '?'}): {(due - today).days} "
                                        f"days left"))
            reminded = end
    state = {"item_id": row["id"], "kind": row.get("kind"), "status": row.get("status"), "deadline_end": end,
             "fulfilled_by": row.get("fulfilled_by"), "responded_by": row.get("responded_by"),
             "first_seen": prev.get("first_seen"), "reminded_end": reminded}
    return events, state


# --------------------------------------------------------------------------- the store's side

_WATCH_FIELDS = [f.name for f in fields(Watch)]


def add_watch(store, w: Watch) -> Watch:
    """Keep a new watch. Adding the same watch again changes nothing; another watch by that name is an error."""
    from .store import now_iso
    if not NAME_RE.fullmatch(w.name or ""):
        raise WatchError(f"bad watch name {w.name!r}: use letters, digits, '-', '_' or '.' (at most 64)")
    if not w.filters():
        raise WatchError("a watch needs at least one of --ministry, --member, --dossier, --id, --query")
    old = get_watch(store, w.name)
    if old:
        if old.filters() != w.filters():
            raise WatchError(f"a watch named {w.name!r} exists with other filters "
                             f"({describe(old)}); remove it first")
        return old
    w.created_at, w.last_run_at, w.last_today = now_iso(), None, None
    with store.transaction():
        store.db["watches"].insert(asdict(w), pk="name")
    return w


def get_watch(store, name: str) -> Optional[Watch]:
    rows = list(store.db.query("select * from watches where name = ?", [name]))
    return Watch(**{k: rows[0].get(k) for k in _WATCH_FIELDS}) if rows else None


def list_watches(store) -> list[Watch]:
    return [Watch(**{k: r.get(k) for k in _WATCH_FIELDS}) for r in store.db.query("select * from watches order by name")]


def remove_watch(store, name: str) -> None:
    """Forget a watch, what it saw and the events it reported."""
    if not get_watch(store, name):
        raise WatchError(f"no watch named {name!r}")
    with store.transaction():
        for table, col in (("watch_events", "watch"), ("watch_items", "watch"), ("watches", "name")):
            store.db.execute(f"delete from {table} where {col} = ?", [name])


def describe(w: Watch) -> str:
    return ", ".join(f"{k}={v}" for k, v in w.filters().items())


def _items(store, w: Watch, today: date, cache: dict) -> list[dict]:
    """The motions and commitments a watch may follow, with their status on `today`, through the status module's
    listings; the ministry and dossier filters go to SQL there, the rest is checked by `matches`. A watch on a
    ministry follows commitments only (motions carry no ministry)."""
    key = ((w.ministry or "").upper(), w.dossier or "")
    if key not in cache:
        rows = list_commitments(store, ministry=w.ministry, today=today)
        if not w.ministry:
            rows += list_motions(store, dossier=w.dossier, today=today)
        cache[key] = rows
    return cache[key]


def _run_one(store, w: Watch, rows: list[dict], today: date) -> list[dict]:
    """Diff one watch against its stored state and write events, state and last run in one transaction."""
    from .store import now_iso
    seen = {r["item_id"]: r for r in store.db.query("select * from watch_items where watch = ?", [w.name])}
    events, states = [], []
    day = today.isoformat()
    for row in rows:
        if not matches(w, row) or (row.get("date") or "")[:10] > day:  # not made yet on `today`
            continue
        prev = seen.get(row["id"])
        ev, state = diff_item(w.name, prev, row, today)
        events += ev
        if prev is None or any(prev.get(k) != v for k, v in state.items()):
            states.append(state)
    now = now_iso()
    with store.transaction():
        fresh = []
        for e in events:
            cur = store.db.execute("insert or ignore into watch_events (atom_id, watch, item_id, item_kind, event, "
                                   "day, old, new, letter, title, detail, created_at) values (?,?,?,?,?,?,?,?,?,?,?,?)",
                                   [e[k] for k in ("atom_id", "watch", "item_id", "item_kind", "event", "day", "old",
                                                   "new", "letter", "title", "detail")] + [now])
            if cur.rowcount:
                fresh.append(e)
        if states:
            store.db["watch_items"].upsert_all(({**s, "watch": w.name, "updated_at": now} for s in states),
                                               pk=("watch", "item_id"))
        store.db["watches"].update(w.name, {"last_run_at": now, "last_today": today.isoformat()})
    return fresh


def run_watches(store, name: Optional[str] = None, today: Optional[date] = None) -> dict[str, list[dict]]:
    """Run one watch (`name`) or all of them for `today` (default: today). Returns {watch: [new events]}; a watch
    with nothing new has an empty list."""
    today = today or date.today()
    watches = [get_watch(store, name)] if name else list_watches(store)
    if name and watches[0] is None:
        raise WatchError(f"no watch named {name!r}")
    if not watches:
        return {}
    cache: dict = {}
    return {w.name: _run_one(store, w, _items(store, w, today, cache), today) for w in watches}


def watch_events(store, name: str, limit: int = 500) -> list[dict]:
    """The events a watch reported, newest first (what its Atom feed shows)."""
    return list(store.db.query("select * from watch_events where watch = ? order by day desc, created_at desc, "
                               "event, item_id limit ?", [name, limit]))
