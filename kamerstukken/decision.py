"""The Kamer's decision on a motion, with where it comes from, and the motion status that follows from it.

A motion's `besluit` is stored as published (OData `Besluit.BesluitSoort` "Stemmen - aangenomen", an Eerste
Kamer page's status "aangenomen", `ingest --jsonl`'s optional `besluit`), next to `besluit_source` (where that
decision comes from: "tk-odata", "eerstekamer.nl", what the JSON Lines record says, or "third party,
unverified" for the bundled corpus). `decision_of` folds it to one of

adopted    aangenomen, overgenomen (taken over by the government without a vote)
rejected   verworpen, niet aangenomen
withdrawn  ingetrokken, vervallen
held       aangehouden (the submitter held it back: not voted on yet)
unknown    no decision, or one that decides nothing (stemmen gestaakt, stemming uitgesteld)

Only an adopted motion can be open, overdue or fulfilled. When nothing says what the Kamer decided, a letter
can: "Uw Kamer heeft bij motie … verzocht", "de aangenomen motie", or a letter declaring the motion done
(ministers carry out and settle adopted motions). `inferred_adoption` finds those words; a decision that is
known is never overruled by a letter. Pure functions, no I/O.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

DECISIONS = ("adopted", "rejected", "withdrawn", "held", "unknown")
NOT_ADOPTED = {"rejected", "withdrawn"}

# the motion statuses that are not about execution (decision first, execution only for adopted motions)
DECISION_STATUSES = {"rejected": "not_adopted", "withdrawn": "not_adopted", "held": "held",
                     "unknown": "decision_unknown"}

SOURCE_ODATA = "tk-odata"
SOURCE_EK = "eerstekamer.nl"
SOURCE_JSONL = "ingest --jsonl"
SOURCE_THIRD_PARTY = "third party, unverified"


def fold(s: str) -> str:
    """Lower case without accents ("Financiën" -> "financien")."""
    s = unicodedata.normalize("NFKD", s or "")
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


# order matters: "niet aangenomen" before "aangenomen"
_RULES = ((re.compile(r"niet\s+aangenomen|verworpen"), "rejected"),
          (re.compile(r"ingetrokken|vervallen"), "withdrawn"),
          (re.compile(r"aangehouden"), "held"),
          (re.compile(r"gestaakt|uitstel|uitgesteld"), "unknown"),
          (re.compile(r"aangenomen|overgenomen"), "adopted"))


def decision_of(besluit: Optional[str]) -> str:
    """"Stemmen - aangenomen" -> adopted, "verworpen" -> rejected, "Aangehouden" -> held, None -> unknown."""
    b = fold(besluit or "")
    for rx, d in _RULES:
        if rx.search(b):
            return d
    return "unknown"


# "tot vervanging van die gedrukt onder nr. 3190" / "(t.v.v. 19637-3190)" in an amended motion's title or text
_TVV_TITLE = re.compile(r"t\.\s*v\.\s*v\.\s*(?:kamerstuk\s+)?(\d{2}\s?\d{3}(?:-[A-Z0-9]+)?-\d+)", re.I)
_TVV_TEXT = re.compile(r"\bter\s+vervanging\s+van\s+(?:die\s+)?gedrukt\s+onder\s+nr\.?\s*(\d+)", re.I)


def replaced_motion(motion_id: str, title: str, text_head: str = "") -> Optional[str]:
    """The id of the motion an amended motion replaces: "… t.v.v. 19637-3190" -> kst-19637-3190; "MOTIE …
    TER VERVANGING VAN DIE GEDRUKT ONDER NR. 3190" in kst-19637-3195 -> kst-19637-3190. None otherwise."""
    m = _TVV_TITLE.search(title or "")
    if m:
        return "kst-" + m.group(1).replace(" ", "")
    m = _TVV_TEXT.search(text_head or "")
    if m and re.match(r"kst-.+-\d+$", motion_id or ""):
        return re.sub(r"-\d+$", "-" + m.group(1), motion_id)
    return None


# a letter saying the Kamer adopted (asked for) the motion
_ASKED = re.compile(r"\b(?:uw\s+kamer|de\s+(?:tweede\s+)?kamer)\s+heeft\s+(?:[^.;]{0,160}?\s)?"
                    r"(?:verzocht|gevraagd|aangenomen|opgeroepen|uitgesproken)\b|"
                    r"\baangenomen\s+motie|\bmotie\b[^.;]{0,200}?\bis\s+aangenomen\b", re.I)


def inferred_adoption(context: str, declared_done: bool) -> Optional[str]:
    """Why a citing letter shows the Kamer adopted the motion it names, or None: `context` is the text
    around the mention, `declared_done` whether the letter declares the motion done."""
    if declared_done:
        return "declared done"
    m = _ASKED.search(context or "")
    return f"“{m.group(0).strip()}”" if m else None


def motion_status(decision: str, replaced_by: Optional[str]) -> Optional[str]:
    """The status a motion's decision gives before any letter counts, or None for an adopted motion (its
    status then follows the letters). A motion replaced by an amended one is `replaced` unless it was itself
    adopted; a rejection or withdrawal is `not_adopted` whatever letters say."""
    if decision in NOT_ADOPTED:
        return "not_adopted"
    if replaced_by and decision != "adopted":
        return "replaced"
    if decision == "adopted":
        return None
    return DECISION_STATUSES[decision]


_SOURCE_RANK = ((SOURCE_ODATA, 4), (SOURCE_EK, 4), (SOURCE_THIRD_PARTY, 1))


def source_rank(source: Optional[str]) -> int:
    """How far a decision's source is trusted: the Kamer's own data (4) over a JSON Lines record (2) over the
    third-party corpus field (1); none 0."""
    if not source:
        return 0
    s = source.lower()
    for prefix, rank in _SOURCE_RANK:
        if s.startswith(prefix):
            return rank
    return 2


def keep_stored_decision(old: Optional[dict], new: dict) -> dict:
    """`new` without its besluit when `old` holds one from a better source (an OData decision is not
    replaced by the bundled corpus's third-party field)."""
    if old and old.get("besluit") and new.get("besluit") and \
            source_rank(old.get("besluit_source")) > source_rank(new.get("besluit_source")):
        return {k: v for k, v in new.items() if k not in ("besluit", "besluit_source")}
    return new
