"""What a letter's own words say it does with the motions it names: read from its body, not its subject line.

A letter titled "Reactie op de motie …" whose body says "Met deze aanpassing … beschouw ik de betreffende motie
Van Baarle-Dassen als afgedaan" carries the motion out. The statement model of the NLP layer
(`kamerstukken.nlp.commitments.find_statements`, labels commitment / fulfilment) finds the fulfilment
sentences; here each one is tied to the motion it refers to:

- by reference: a Kamerstuk id in the sentence, or a motion mention inside it that has one (a footnote);
- by name: a mention inside it naming submitters ("de motie-Chakor/Van Nispen");
- by anaphor: "deze motie", "de motie", "de betreffende motie" -> the motion named last before the sentence in
  the body (within `ANAPHOR_REACH` characters), else the first motion the subject line names.

A sentence that declares the motion done ("als afgedaan", "afdoening van") gives a claim with `declared`.
An appreciation (the cabinet's advice before the vote: "Appreciatie van de motie", "oordeel over de motie") is
never a fulfilment: `is_appreciation` lets the linker keep it `responds`. Pure functions over plain records.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

ANAPHOR_REACH = 3000
_KST = re.compile(r"^kst-", re.I)
_DECLARED = re.compile(r"\b(?:als\s+afgedaan|afgedaan\s+te\s+beschouwen|daarmee\s+afgedaan|is\s+(?:hiermee\s+)?"
                       r"afgedaan|afdoening\s+van|beschouw\w*\s+(?:ik|wij|het\s+kabinet)\b[^.]{0,120}\bafgedaan)\b",
                       re.I)
_MOTIE = re.compile(r"\bmotie\b", re.I)
_APPRECIATION = re.compile(r"\b(?:appreciatie|appreci[eë]ren|(?:kabinets)?oordeel\s+(?:over|op)|ontraad|ontraden|"
                           r"oordeel\s+(?:aan\s+)?de\s+kamer)\b", re.I)


@dataclass
class Statement:
    """A statement of the letter as the extract stage stored it (or `find_statements` gives it)."""
    type: str
    char_start: int
    char_end: int
    text: str = ""
    points_to: list[str] = field(default_factory=list)


@dataclass
class BodyMention:
    """A motion named in the letter's body (motion_mentions)."""
    char_start: int
    char_end: int
    ref: Optional[str] = None
    submitters: list[str] = field(default_factory=list)
    declared_done: bool = False


@dataclass
class Claim:
    """The body says the letter carries out a motion: by its id (`ref`) or its submitters (`names`)."""
    sentence: str
    how: str                          # reference | name | anaphor
    ref: Optional[str] = None
    names: list[str] = field(default_factory=list)
    declared: bool = False

    @property
    def evidence(self) -> str:
        s = " ".join(self.sentence.split())
        s = s if len(s) <= 160 else s[:157] + "…"
        return f"fulfilment statement in the letter ({self.how}): “{s}”" + (" (declared done)" if self.declared else "")


def _antecedent(mentions: list[BodyMention], before: int) -> Optional[BodyMention]:
    named = [m for m in mentions if m.char_end <= before and before - m.char_end <= ANAPHOR_REACH
             and (m.ref or m.submitters)]
    return named[-1] if named else None


def _claim_of(m: BodyMention, sentence: str, how: str, declared: bool) -> Claim:
    return Claim(sentence=sentence, how=how if m.ref or how == "anaphor" else "name", ref=m.ref,
                 names=list(m.submitters), declared=declared or m.declared_done)


def _claims_of_sentence(st: Statement, mentions: list[BodyMention], title_first: Optional[BodyMention]) -> list[Claim]:
    declared = bool(_DECLARED.search(st.text))
    out = [Claim(sentence=st.text, how="reference", ref=p, declared=declared) for p in st.points_to if _KST.match(p)]
    inside = [m for m in mentions if st.char_start <= m.char_start < st.char_end]
    for m in inside:
        if m.ref or m.submitters:
            out.append(_claim_of(m, st.text, "reference", declared))
    if out:
        return out
    if not inside and not _MOTIE.search(st.text):
        return []
    ante = _antecedent(mentions, st.char_start) or title_first
    return [_claim_of(ante, st.text, "anaphor", declared)] if ante else []


def body_claims(statements: Iterable[Statement], mentions: Iterable[BodyMention],
                title_first: Optional[BodyMention] = None) -> list[Claim]:
    """The motions the body's fulfilment statements say the letter carries out (or declares done)."""
    ms = sorted(mentions, key=lambda m: m.char_start)
    out: list[Claim] = []
    for st in statements:
        if st.type == "fulfilment":
            out += _claims_of_sentence(st, ms, title_first)
    return out


def statements_of_text(text: str) -> list[Statement]:
    """The fulfilment statements of a body the extract stage has not stored (the NLP layer's public API)."""
    from .nlp.commitments import find_statements
    try:
        return [Statement(s.type, s.char_start, s.char_end, s.text, list(s.points_to))
                for s in find_statements(text) if s.type == "fulfilment"]
    except Exception:   # one unreadable letter must not stop the linking of the others
        return []


def matching_claim(claims: list[Claim], target_id: str, target_names: list[str],
                   name_key: Callable[[str], str]) -> Optional[Claim]:
    """The first claim about this target: by id, else by a submitter's name (all the claim's names must be
    among the target's submitters, so "motie-Chakor/Van Nispen" is not any motion of Van Nispen)."""
    tid = target_id.lower()
    keys = {name_key(n) for n in target_names}
    best = None
    for c in claims:
        if c.ref:
            if c.ref.lower() == tid:
                return c
            continue
        if c.names and keys and {name_key(n) for n in c.names} <= keys and best is None:
            best = c
    return best


def is_appreciation(title: str) -> bool:
    """"Appreciatie van de motie …", "Kabinetsoordeel over …": the cabinet's advice before the vote."""
    return bool(_APPRECIATION.search(title or ""))
