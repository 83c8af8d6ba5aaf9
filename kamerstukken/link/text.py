"""Text, names, ids and relation cues the linker reads (pure functions)."""
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


LINKER_VERSION = "5"
ACCEPT_THRESHOLD = 0.5
WINDOW_DAYS = 6 * 366           # a motion older than this is not answered by a letter (explicit refs excepted)
SLACK_DAYS = 0                  # a letter answers motions dated on or before its own date
KEEP = 10                       # candidates kept per letter (ranked)
MIN_SCORE = 0.05                # weaker candidates are not stored
MAX_BLOCK = 400                 # candidates per letter taken from rare-term postings

AMENDED_SLACK_DAYS = 2


# --------------------------------------------------------------------------- text normalisation


def fold(s: str) -> str:
    """Lower case, diacritics removed: "Vóór" -> "voor"."""
    if not s:
        return ""
    if s.isascii():
        return s.lower()
    s = unicodedata.normalize("NFKD", s)
    return s.encode("ascii", "ignore").decode("ascii").lower() if all(ord(c) < 0x370 for c in s) else \
        "".join(c for c in s if not unicodedata.combining(c)).lower()


_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")

STOPWORDS = frozenset("""
aan af al als alle alleen allen andere ander anders bij binnen dan dat de deze die dit door een eens en er
gaat had heb hebben heeft het hier hij hoe hun ik in is je kan kunnen maar meer met mij mijn na naar naast
niet nog nu of om omdat onder ons onze ook op over per te ten ter tot tussen uit van vanuit veel voor
waar wat welke wel werd worden wordt zal ze zich zij zijn zo zoals zou zullen
motie moties gewijzigde nader tweede lid leden kamer kamerstuk kamerstukken regering kabinet verzoekt
uitvoering appreciatie reactie brief kamerbrief verzoek commissie stand zaken inzake betreffende
uitstel opvolging invulling afdoening toezegging toezeggingen aangenomen vervolgstappen
""".split())


def words(s: str) -> list[str]:
    return _WORD.findall(fold(s))


def terms(s: str) -> list[str]:
    """Content terms: no stop words, no one- or two-letter words."""
    return [w for w in words(s) if len(w) > 2 and w not in STOPWORDS and not w.isdigit()]


@lru_cache(maxsize=1 << 16)   # Target.ord and LetterRec.ord ask it a million times in a corpus-wide link run
def iso_ord(d: Optional[str]) -> Optional[int]:
    if not d:
        return None
    try:
        return date.fromisoformat(str(d)[:10]).toordinal()
    except ValueError:
        return None


# --------------------------------------------------------------------------- names

_TUSSEN = frozenset("van der de den het ter ten te in 't t el la le du da dos von op aan al bin ben".split())
# "motie van het lid X", "moties van de leden X en Y", "motie-X/Y", "twee moties van het lid X"
_MOTION_NAMES = re.compile(
    r"\b(?i:moties?)(?:\s*-\s*|\s+(?i:van)\s+(?:het\s+lid|de\s+leden|lid)\s+|\s+(?=(?:[A-Z]|[a-z]{1,4}\s+[A-Z])))"
    r"(?P<names>[A-Z'][^,;:()\[\]]{1,80}?)"
    r"(?=\s+c\.s\.|\s+(?:over|inzake|betreffende|ter|om|met|m\.b\.t\.|waarin|waarbij|die|dat|en\s+(?:van\s+)?de\s+motie|"
    r"en\s+(?:van\s+)?het\s+lid|op|aangaande|ten|tot|bij|inzet|voor)\b|\s*[,;:()\[\]]|\s*$)")
_MEMBER = re.compile(r"\b(?:het\s+lid|lid|kamerlid|de\s+leden)\s+(?P<names>[A-Z][\w'’\-]+(?:\s+(?:[A-Z][\w'’\-]+|"
                     r"van|der|de|den|ter|ten|te|in|el))*)")
_NAME_SPLIT = re.compile(r"\s*(?:,|/|&|\s+en\s+)\s*")
_CS = re.compile(r"\s*\bc\.\s*s\.?\s*$")


def clean_name(n: str) -> Optional[str]:
    n = _CS.sub("", n.strip().strip(".").strip())
    n = re.sub(r"\s*\(.*$", "", n).strip()
    toks = n.split()
    for k, t in enumerate(toks):   # a name ends at the first lower-case word that is no tussenvoegsel
        if t[:1].islower() and t.lower() not in _TUSSEN:
            toks = toks[:k]
            break
    while toks and toks[-1].lower() in _TUSSEN:
        toks.pop()
    n = " ".join(toks)
    if not toks or len(toks) > 5 or len(n) > 40:
        return None
    if not any(t[:1].isupper() for t in toks):
        return None
    if toks[-1].lower() in _TUSSEN or toks[-1].lower() in STOPWORDS:
        return None
    return n


def split_names(blob: str) -> list[str]:
    out = []
    for part in _NAME_SPLIT.split(_CS.sub("", blob.strip())):
        n = clean_name(part)
        if n and n not in out:
            out.append(n)
    return out


def name_key(name: str) -> str:
    """The blocking key of a member's name: the last word of the surname, folded ("Van der Molen" -> "molen")."""
    w = words(name)
    return w[-1].replace("'", "") if w else ""


def name_full(name: str) -> str:
    return " ".join(words(name))


def name_sim(a: str, b: str) -> float:
    """1.0 same name; 0.85 one is the other with a first name or tussenvoegsel more ("Dijk" ~ "Inge van Dijk");
    0.35 same surname, different first names ("Olger van Dijk" vs "Inge van Dijk"); 0 otherwise."""
    if not a or not b or name_key(a) != name_key(b):
        return 0.0
    fa, fb = name_full(a), name_full(b)
    if fa == fb:
        return 1.0
    if fa.endswith(" " + fb) or fb.endswith(" " + fa):
        short, long_ = sorted((fa, fb), key=len)
        extra = long_[: len(long_) - len(short)].split()
        return 0.85 if all(t in _TUSSEN for t in extra) or len(extra) <= 1 else 0.6
    return 0.35


def names_from_title(title: str) -> list[str]:
    """Submitters named in a motion title or a letter's subject ("Motie van de leden X en Y over ...")."""
    out: list[str] = []
    for m in _MOTION_NAMES.finditer(title or ""):
        for n in split_names(m.group("names")):
            if n not in out:
                out.append(n)
    return out


_SIGNATURE_END = re.compile(r"en\s+gaat\s+over\s+tot\s+de\s+orde\s+van\s+de\s+dag\.?\s*", re.I)


def names_from_signature(text: str) -> list[str]:
    """The names under a motion's text (one a line after "en gaat over tot de orde van de dag.")."""
    m = None
    for m in _SIGNATURE_END.finditer(text or ""):
        pass
    if not m:
        return []
    out = []
    for line in text[m.end():].splitlines():
        n = clean_name(line)
        if n and n not in out:
            out.append(n)
    return out[:12]


_DICTUM = re.compile(r"\b(?:verzoekt|roept|draagt|spreekt\s+uit|constateert|besluit)\b.*?(?=,?\s*en\s+gaat\s+over\s+tot|"
                     r"\n\s*(?:verzoekt|roept|draagt|spreekt)\b|$)", re.I | re.S)


def dicta_from_text(text: str) -> list[str]:
    out = []
    for m in _DICTUM.finditer(text or ""):
        s = " ".join(m.group(0).split())
        if s.lower().startswith(("verzoekt", "roept", "draagt", "spreekt")):
            out.append(s)
    return out


def topic_of_motion_title(title: str) -> str:
    """"Motie van het lid X c.s. over Y" -> "Y" (the whole title when there is no "over")."""
    m = re.search(r"\b(?:over|inzake|betreffende)\s+(.*)$", title or "", re.S)
    topic = (m.group(1) if m else (title or "")).strip()
    # "(t.v.v. 36450-37)", also printed without brackets ("... op het vonnis  t.v.v. 29279-844")
    return re.sub(r"\s*\(?\s*t\.\s?v\.\s?v\..*$", "", topic, flags=re.I | re.S).strip()


# --------------------------------------------------------------------------- ids

def dossier_of_id(kid: str) -> Optional[str]:
    m = re.match(r"kst-(\d{5}(?:-[A-Z0-9]+)?)-[A-Z0-9]+$", kid or "", re.I)
    if not m:
        return None
    parts = kid.split("-")
    return "-".join(parts[1:-1])


# --------------------------------------------------------------------------- relation

# The words of a subject line or sentence that say what a letter does with a motion or commitment.
_FULFILS = re.compile(r"\b(?:uitvoering|uitwerking|implementatie|invulling|afdoening|plan\s+van\s+aanpak|uitgevoerd|afgedaan|opvolging|vervolgstappen|"
                      r"voortgang|stand\s+van\s+zaken|status|geef\s+ik\s+(?:hier)?(?:mee)?\s*gevolg|"
                      r"informeer\s+ik\s+u\s+over|conform\s+de\s+motie|nakoming|voldaan|"
                      r"ter\s+uitvoering|onderzoek\s+naar|resultaten)\b", re.I)
_RESPONDS = re.compile(r"\b(?:appreciaties?|kabinetsreactie|reactie|reageer|uitstel|kabinetsvisie|"
                       r"visie\s+op|oordeel|advies|gevolgen\s+van|beslisnota|wijziging)\b", re.I)
_POSTPONE = re.compile(r"\b(?:uitstel|later\s+dan\s+toegezegd|verzoek\s+om\s+uitstel)\b", re.I)
_DECLARED_DONE = re.compile(r"\b(?:als\s+afgedaan|afgedaan\s+te\s+beschouwen|daarmee\s+afgedaan|is\s+(?:hiermee\s+)?"
                            r"afgedaan|afdoening\s+van)\b", re.I)


def classify_relation(text: str) -> Optional[str]:
    """The relation a subject line (or a sentence) gives: `responds` for an appreciation, a reaction or a
    postponement, `fulfils` for execution, a report on progress or a declared fulfilment; None if it says
    neither. A postponement is never a fulfilment; otherwise the first cue in the text decides."""
    if not text:
        return None
    if _POSTPONE.search(text):
        return "responds"
    f = _FULFILS.search(text)
    r = _RESPONDS.search(text)
    if f and r:
        return "fulfils" if f.start() < r.start() else "responds"
    if f:
        return "fulfils"
    if r:
        return "responds"
    return None


def nearest_cue(text: str) -> Optional[str]:
    """The relation of the last cue in `text` (the words just before a motion is named): "Reactie op verzoek
    commissie over ... meenemen in uitvoering van de motie" is about the motion being carried out."""
    last = None
    for rx, rel in ((_POSTPONE, "responds"), (_FULFILS, "fulfils"), (_RESPONDS, "responds")):
        for m in rx.finditer(text or ""):
            if last is None or m.start() > last[0]:
                last = (m.start(), rel)
    return last[1] if last else None


__all__ = [_n for _n in dir() if not _n.startswith("__")]
