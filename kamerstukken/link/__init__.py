"""Link follow-up documents (letters) to the motions and commitments they answer.

The pure part works on plain records (`Target`: a motion or commitment; `LetterRec`: a follow-up document):

    index = build_index(targets)              # inverted index: submitter surnames, dossier, rare terms + TF-IDF
    links = link_letter(index, letter)        # ranked `Link`s with relation, score in [0,1], evidence in words

Evidence, strongest first: an explicit reference (extref / "Kamerstuk 36583-14" in title, text or footnote),
a register entry naming the letter as fulfilment (Toezegging.KamerbriefNakoming) or Zaak.GerelateerdNaar,
a named motion ("motie van de leden Paternotte en Boswijk over …", "motie-Chakor/Van Nispen") matched on
submitter names and topic, a commitment referred to by debate date or member, and ranked text similarity
(TF-IDF) over candidates that share a blocking key (surname, dossier, rare term) and were dated before the
letter inside a time window. Nothing is compared pairwise over the whole store.

`link_store(store)` is the edge: it reads letters, motions and commitments from the store, completes the
`motions` table (rows from motion documents, and rows for motions known only from a citing text), and
writes the table `links` idempotently. `export_links(store, k)` gives the lines of spec/extract-io.md §2.
"""
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


# --------------------------------------------------------------------------- records

@dataclass
class Target:
    """A motion or commitment a letter can answer."""
    id: str
    kind: str = "motion"                 # motion | commitment
    title: str = ""
    text: str = ""                       # dicta (motion) or commitment sentence
    date: Optional[str] = None
    dossier: Optional[str] = None
    ministry: Optional[str] = None
    names: list[str] = field(default_factory=list)        # submitters (motion) / member (commitment)
    sig_names: list[str] = field(default_factory=list)    # co-signers from the motion's text
    topic: str = ""
    zaak_nummer: Optional[str] = None
    source_doc: Optional[str] = None     # the document a commitment was made in (never linked to itself)
    replaces: Optional[str] = None       # a gewijzigde motie "(t.v.v. 32637-682)" replaces kst-32637-682
    debate: str = ""                     # the dossier title in the motion's header ("Voorjaarsnota 2024")

    @property
    def ord(self) -> Optional[int]:
        return iso_ord(self.date)


@dataclass
class Mention:
    """A motion named in a letter (from the extract stage, or found here in the subject line)."""
    text: str = ""
    ref: Optional[str] = None
    submitters: list[str] = field(default_factory=list)
    topic: str = ""
    declared_done: bool = False
    request: Optional[str] = None
    relation: Optional[str] = None       # what the words around it say (classify_relation)
    position: int = 0
    amended: Optional[bool] = None       # "de gewijzigde motie" (True), "de motie" (False), unknown (None)
    count: int = 1                       # "twee moties van het lid X" names two motions
    cue: Optional[str] = None            # the relation of the cue nearest before it ("... in uitvoering van de motie")


@dataclass
class LetterRec:
    id: str
    title: str = ""
    text: str = ""
    date: Optional[str] = None
    dossier: Optional[str] = None
    ministry: Optional[str] = None
    refs: list[tuple[str, str]] = field(default_factory=list)          # (id, via)
    mentions: list[Mention] = field(default_factory=list)
    register_targets: list[tuple[str, str]] = field(default_factory=list)  # (target id, evidence)
    related_zaken: list[str] = field(default_factory=list)              # Zaak.GerelateerdNaar nummers
    has_fulfilment_statement: bool = False
    fulfilment_points_to: list[str] = field(default_factory=list)
    member_names: list[str] = field(default_factory=list)               # "het lid Van Dijk" (commitments)
    dates_named: list[str] = field(default_factory=list)                # "debat van 19 december 2024"
    body_claims: list = field(default_factory=list)                     # body.Claim: what its body carries out

    @property
    def debate_terms(self) -> list[str]:
        """Content words of the debate a letter says its motions were submitted in ("moties ingediend tijdens
        het tweeminutendebat Veiligheid op scholen" -> veiligheid, scholen)."""
        if not hasattr(self, "_debate_terms"):
            m = _SUBMITTED_IN.search(self.title or "")
            # the debate's name ends where its subject or date starts ("bij voorjaarsnota inzake financiering NCAB")
            name = re.split(r"\s(?:inzake|over|betreffende|m\.b\.t\.|met\s+betrekking|(?:van|op|d\.d\.)\s+\d)\b",
                            m.group("d"))[0] if m else ""
            self._debate_terms = [w for w in _topic_terms(name) if len(w) >= 4 and w not in _DEBATE_WORDS]
        return self._debate_terms

    @property
    def title_relation(self) -> Optional[str]:
        if not hasattr(self, "_title_rel"):
            self._title_rel = classify_relation(self.title)
        return self._title_rel

    @property
    def ord(self) -> Optional[int]:
        return iso_ord(self.date)


# "ingediend tijdens het Tweeminutendebat Veiligheid op scholen", "ingediend bij de Voorjaarsnota"
_SUBMITTED_IN = re.compile(r"\bingediend\w*\s+(?:bij|tijdens|in)\s+(?:het\s+|de\s+)?(?P<d>[^,;()]{4,120})", re.I)
_DEBATE_WORDS = frozenset("""debat debatten tweeminutendebat commissiedebat plenair plenaire behandeling
wetgevingsoverleg notaoverleg overleg algemeen schriftelijk dertigledendebat interpellatie inzake over
stemmingen stemming""".split())
_HEADER_TITLE = re.compile(r"Kamerstukken\s*\|?\s*\d{2}\s?\d{3}(?:\s*\|?\s*[A-Z]{1,5}(?=\s*\|))?\s*\|?\s*(?P<t>.{3,200}?)"
                           r"\s*\|?\s*Nr\.", re.S)


def dossier_title_of(head: str) -> str:
    """The dossier title in a motion text's printed header ("Kamerstukken 36 550 Voorjaarsnota 2024 Nr. 15")."""
    m = _HEADER_TITLE.search((head or "").replace("\n", " | "))
    return re.sub(r"[\s|]+", " ", m.group("t")).strip() if m else ""


# --------------------------------------------------------------------------- mentions in a subject line

_SEGMENT_START = re.compile(r"\b(?:(?:nader\s+|tweede\s+nader\s+)?gewijzigde\s+)?moties?\b", re.I)
_TOPIC_START = re.compile(r"\b(?:over|inzake|betreffende|m\.b\.t\.|aangaande|om)\s+", re.I)
_NUMBERS = {"twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6}
_COUNT = re.compile(r"\b(twee|drie|vier|vijf|zes|[2-6])\s+(?:\w+\s+)?$", re.I)


def mentions_in_title(title: str) -> list[Mention]:
    """Split a subject line at each "motie" and read submitters and topic of each named motion.
    "Uitvoering van de motie van het lid X over A en de motie van de leden Y en Z over B" gives two mentions."""
    if not title:
        return []
    starts = [m.start() for m in _SEGMENT_START.finditer(title)]
    out = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(title)
        seg = title[s:e]
        names = names_from_title(seg)
        t = _TOPIC_START.search(seg)
        topic = seg[t.end():] if t else ""
        topic = re.sub(r"\s+(?:en|,)\s*(?:van\s+)?(?:de|het)?\s*$", "", topic.strip())
        topic = re.sub(r"\s*\((?:t\.v\.v\.|Kamerstuk).*$", "", topic).strip(" ,;")
        if not names and not topic:
            continue
        cue = nearest_cue(title[:s])
        # the first motion takes the subject's leading word ("Appreciatie", "Uitvoering"); a later one the cue
        # just before it ("Invulling motie X ..., reactie op gewijzigde motie Y")
        rel = (cue if out and cue else None) or classify_relation(title[:s + 1]) or classify_relation(title)
        cm = _COUNT.search(title[max(0, s - 20):s])
        count = _NUMBERS.get(fold(cm.group(1)), 1) if cm else 1
        out.append(Mention(text=seg.strip(), submitters=names, topic=topic,
                           declared_done=bool(_DECLARED_DONE.search(title[:e])), relation=rel, position=i,
                           amended=bool(re.match(r"(?:\w+\s+)?(?:nader\s+)?gewijzigde", seg, re.I)), count=count,
                           cue=cue))
    return out


def dates_in(text: str) -> list[str]:
    out = []
    for m in DATE_RE.finditer(text or ""):
        try:
            out.append(date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))).isoformat())
        except ValueError:
            pass
    return out


# --------------------------------------------------------------------------- the index

class CandidateIndex:
    """Targets with an inverted index on submitter surnames, dossier and rare title terms (postings sorted by
    date, so a letter only looks at targets inside its time window) and a TF-IDF matrix for similarity."""

    def __init__(self, targets: list[Target], *, rare_df: Optional[int] = None):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.targets = sorted(targets, key=lambda t: (t.ord or 0, t.id))
        self.by_id = {t.id.lower(): i for i, t in enumerate(self.targets)}
        self.by_zaak = {t.zaak_nummer: i for i, t in enumerate(self.targets) if t.zaak_nummer}
        n = len(self.targets)
        self.ords = [t.ord or 0 for t in self.targets]
        self.by_name: dict[str, list[int]] = {}
        self.by_dossier: dict[str, list[int]] = {}
        self.by_term: dict[str, list[int]] = {}
        self.topic_n: list[str] = []      # content terms of the topic, folded
        self.title_n: list[str] = []
        self.blob: list[str] = []         # folded title + text without spaces (compound-proof substring tests)
        self.amended: list[bool] = []     # "Gewijzigde motie ..."
        docs = []
        for i, t in enumerate(self.targets):
            for nm in {name_key(x) for x in t.names + t.sig_names}:
                if nm:
                    self.by_name.setdefault(nm, []).append(i)
            if t.dossier:
                self.by_dossier.setdefault(t.dossier, []).append(i)
            head = terms(t.title + " " + t.topic)
            for w in set(head):
                self.by_term.setdefault(w, []).append(i)
            body = terms(t.text)
            docs.append(" ".join(head + body))
            self.topic_n.append(" ".join(terms(t.topic or t.title)))
            self.title_n.append(" ".join(head))
            self.blob.append("".join(words(t.title + " " + t.text)))
            self.amended.append(bool(_AMENDED.match(t.title or "")))
        self.rare_df = rare_df or max(30, int(0.02 * n))
        self.vectorizer = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, min_df=1)
        self.matrix = self.vectorizer.fit_transform(docs) if docs and any(docs) else None
        # idf over title and text (terms never seen get the highest idf: they are the rarest)
        if self.matrix is not None:
            self.idf = dict(zip(self.vectorizer.get_feature_names_out(), self.vectorizer.idf_))
            self.max_idf = float(self.vectorizer.idf_.max())
        else:
            self.idf, self.max_idf = {}, 1.0

    def __len__(self) -> int:
        return len(self.targets)

    def window(self, postings: list[int], lo: int, hi: int) -> list[int]:
        """Postings (sorted by target date) between ordinal dates lo and hi."""
        if not postings:
            return []
        if len(postings) < 64:
            o = self.ords
            return [i for i in postings if lo <= o[i] <= hi]
        a = bisect.bisect_left(postings, lo, key=lambda i: self.ords[i])
        b = bisect.bisect_right(postings, hi, key=lambda i: self.ords[i])
        return postings[a:b]

    def vector(self, text: str):
        if self.matrix is None:
            return None
        return self.vectorizer.transform([" ".join(terms(text))])

    def keys_of(self, t: Target) -> set[str]:
        """The blocking keys of a target (used to find letters affected when the target is new)."""
        keys = {"n:" + name_key(x) for x in t.names + t.sig_names if name_key(x)}
        keys.add("id:" + t.id.lower())
        if t.zaak_nummer:
            keys.add("z:" + t.zaak_nummer)
        keys |= {"w:" + w for w in set(terms(t.title + " " + t.topic)) if len(self.by_term.get(w, ())) <= self.rare_df}
        return keys


_AMENDED = re.compile(r"^\s*(?:\w+\s+)?(?:nader\s+)?gewijzigde\s+motie", re.I)
_MOTIE_WORD = re.compile(r"\bmoties?\b", re.I)


def letter_keys(letter: LetterRec) -> set[str]:
    keys = {"id:" + r.lower() for r, _ in letter.refs} | {"id:" + r.lower() for r, _ in letter.register_targets}
    for m in letter.mentions:
        keys |= {"n:" + name_key(n) for n in m.submitters if name_key(n)}
        if m.ref:
            keys.add("id:" + m.ref.lower())
    keys |= {"n:" + name_key(n) for n in letter.member_names if name_key(n)}
    keys |= {"z:" + z for z in letter.related_zaken}
    keys |= {"w:" + w for w in set(terms(letter.title))}
    return keys


def build_index(targets: Iterable[Target]) -> CandidateIndex:
    return CandidateIndex(list(targets))


# --------------------------------------------------------------------------- scoring

def topic_sim(a: str, b: str) -> float:
    """Fuzzy similarity in [0,1] of two topic phrases given as folded content terms; a subject line cut off
    at its end still matches the start of the full phrase."""
    if not a or not b:
        return 0.0
    r = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 20:
        cover = min(1.0, len(short) / (0.6 * len(long_)))
        r = max(r, fuzz.partial_ratio(short, long_) / 100 * cover)
    # two unrelated Dutch phrases still share ~45% of their characters: rescale so that noise is 0
    return max(0.0, (r - 0.45) / 0.55)


def coverage(topic_terms: list[str], blob: str, idf: dict[str, float], default: float = 8.0) -> float:
    """Share (idf-weighted) of a letter's topic terms found in the target's title and text, as substrings of
    the text without spaces: "indicatorbedrijven" is found in "negen indicator bedrijven", "wolf" in
    "wolfwerende"."""
    if not topic_terms:
        return 0.0
    tot = got = 0.0
    for w in topic_terms:
        if len(w) < 4:
            continue
        wt = idf.get(w, default) ** 2    # squared: the rare word that names the topic outweighs two common ones
        tot += wt
        if w in blob:
            got += wt
    return got / tot if tot else 0.0


def _names_score(letter_names: list[str], t: Target) -> float:
    """How well the names a letter gives fit the motion's submitters (first submitters weigh most)."""
    if not letter_names:
        return 0.0
    tot = 0.0
    for n in letter_names:
        best = max((name_sim(n, x) for x in t.names), default=0.0)
        if best == 0.0:
            best = 0.6 * max((name_sim(n, x) for x in t.sig_names), default=0.0)
        tot += best
    s = tot / len(letter_names)
    # "van de leden X en Y" against a motion of X alone, or the reverse: slightly weaker
    if t.names and len(t.names) != len(letter_names):
        s *= 0.95
    return s


def _topic_terms(text: str) -> list[str]:
    out = []
    for w in terms(text):
        out += [p for p in w.split("-") if len(p) > 2 and p not in STOPWORDS] if "-" in w else [w]
    return out


@dataclass
class Scored:
    target: int
    score: float
    relation: str
    evidence: str
    order: tuple = ()
    raw: float = 0.0        # before capping to [0,1]: ranks candidates that both reach 1
    runner_up: bool = False  # not the first choice of the mention that names it
    accepted: Optional[bool] = None   # set by the learned model; None: score >= threshold decides


def _relation_for(letter: LetterRec, t: Target, mention: Optional[Mention], explicit_via: Optional[str]) -> str:
    if mention is not None and mention.declared_done:
        return "fulfils"
    if t.id.lower() in {x.lower() for x in letter.fulfilment_points_to}:
        return "fulfils"
    rel = mention.relation if mention is not None else None
    if rel is None:
        rel = letter.title_relation
    if rel is None and letter.has_fulfilment_statement and (mention is not None or explicit_via):
        rel = "fulfils"
    lo, to = letter.ord, t.ord
    if rel == "fulfils" and lo is not None and to is not None and lo < to:
        rel = "responds"   # a letter cannot carry out what was not asked yet
    return rel or "mentions"


def _score_mention(index: CandidateIndex, i: int, t: Target, m: Mention, m_topic: str, m_terms: list[str],
                   c: float) -> tuple[float, str]:
    ns = _names_score(m.submitters, t) if m.submitters else 0.0
    if m.submitters and ns == 0.0:
        return 0.0, ""
    ts = max(topic_sim(m_topic, index.topic_n[i]), topic_sim(m_topic, index.title_n[i])) if m_topic else 0.0
    cov = coverage(m_terms, index.blob[i], index.idf, index.max_idf) if m_terms else 0.0
    text = max(cov, min(1.0, 1.5 * c))
    if m.submitters and m_topic:
        s = 0.30 * ns + 0.50 * ts + 0.20 * text
        if ns >= 0.85 and ts >= 0.9:
            s = max(s, 0.9 + 0.1 * ts)
        ev = f"submitters {', '.join(m.submitters)} ({ns:.2f}) + topic similarity {ts:.2f}"
    elif m.submitters:
        s = 0.45 * ns + 0.45 * text
        ev = f"submitters {', '.join(m.submitters)} ({ns:.2f}) + text similarity {text:.2f}"
    else:
        s = 0.6 * ts + 0.3 * text
        ev = f"topic similarity {ts:.2f} + text similarity {text:.2f}"
    # "de gewijzigde motie" names the amended version; a plain "de motie" is the original when the letter
    # appreciates or reacts (it was written about the text then on the table), and the amended version when
    # it reports execution (what was voted on and adopted is the last version)
    if m.amended is not None and s > 0:
        want = m.amended or m.relation == "fulfils" or m.cue == "fulfils"
        s += 0.01 if want == index.amended[i] else -0.01
    return s, ev


def _recency(t: "Target") -> tuple:
    """Tie-break between equally good candidates: the later motion first. A motion re-submitted with the same
    submitters and subject (a gewijzigde motie, often without "t.v.v." in its title) gets a later date and a
    higher number, and it is the version the Kamer voted on and a letter answers."""
    m = re.search(r"-(\d+)$", t.id)
    return (-(t.ord or 0), -(int(m.group(1)) if m else 0), t.id)


_PLURAL = re.compile(r"\b(twee|drie|vier|vijf|zes|beide|[2-6])\s+(?:\w+\s+)?moties\b", re.I)


def _debate_siblings(index: CandidateIndex, letter: LetterRec, found: dict[int, "Scored"]) -> None:
    """"Uitvoering van twee moties van het lid Kostic", "de meevallerformule en twee moties": the motions a
    letter answers together were mostly submitted in one debate. After the best candidate, rank the other
    motions of its debate (same dossier, same date; of the same submitter when the letter names one) next,
    until the letter's count is reached. Ranking only: a sibling's score (and so acceptance) is not raised."""
    pm = _PLURAL.search(letter.title or "")
    want = max([m.count for m in letter.mentions] + [(_NUMBERS.get(fold(pm.group(1)), 2) if pm else 1)])
    if want < 2 or not found:
        return
    top = max(found.values(), key=lambda sc: (round(sc.raw, 4), _recency(index.targets[sc.target])[:2]))
    t = index.targets[top.target]
    if t.kind != "motion" or not t.dossier or t.ord is None:
        return
    names = {name_key(n) for m in letter.mentions for n in m.submitters if m.count >= 2 or pm}
    sibs = [i for i in index.window(index.by_dossier.get(t.dossier, []), t.ord, t.ord) if i != top.target
            and index.targets[i].kind == "motion"
            and (not names or names & {name_key(x) for x in index.targets[i].names + index.targets[i].sig_names})]
    sibs.sort(key=lambda i: -(found[i].raw if i in found else 0.0))
    for k, i in enumerate(sibs[:want - 1 + 2]):
        raw = top.raw - 0.001 * (k + 1)
        sc = found.get(i)
        ev = f"submitted in the same debate as {t.id}; the letter names {want} motions"
        if sc is None:
            found[i] = Scored(i, min(0.45, 0.5 * top.score), "mentions" if top.relation == "fulfils" else top.relation,
                              ev, (4, k), raw)
        elif sc.raw < raw:
            sc.raw, sc.evidence = raw, ev + "; " + sc.evidence


def _apply_body_claims(index: CandidateIndex, letter: LetterRec, found: dict[int, Scored]) -> None:
    """The letter's body decides the relation where it has a fulfilment statement about a candidate: it
    `fulfils` it (declared done when the sentence says so), whatever the subject line's words. A claim by
    reference applies to that motion; one by name or anaphor to the best-ranked candidate it fits. An
    appreciation (advice before the vote) and a letter older than the motion stay as they are."""
    from ..body import is_appreciation, matching_claim
    if not letter.body_claims or is_appreciation(letter.title):
        return
    best: dict[int, tuple[Scored, object]] = {}
    for sc in sorted(found.values(), key=lambda sc: -sc.raw):
        t = index.targets[sc.target]
        if t.kind != "motion" or (letter.ord is not None and t.ord is not None and letter.ord < t.ord):
            continue
        claim = matching_claim(letter.body_claims, t.id, t.names + t.sig_names, name_key)
        if claim is not None and (claim.ref or id(claim) not in best):
            best[id(claim) if not claim.ref else -sc.target - 1] = (sc, claim)
    for sc, claim in best.values():
        if sc.relation == "fulfils" and "declared done" in sc.evidence:
            continue
        sc.relation = "fulfils"
        sc.evidence = f"{sc.evidence}; {claim.evidence}" if sc.evidence else claim.evidence


def link_letter(index: CandidateIndex, letter: LetterRec, *, keep: int = KEEP,
                threshold: float = ACCEPT_THRESHOLD, window_days: int = WINDOW_DAYS, qv=None,
                model=None) -> list[Link]:
    """Rank the targets a letter answers. Pure: reads the index, returns `Link`s ranked best first.
    `qv`: the letter's TF-IDF vector when the caller computed it (in a batch). `model`: the learned linker
    (`link.model.load()`, the default); `False` keeps the rule scores (for comparison)."""
    if not len(index):
        return []
    found = candidates(index, letter, threshold=threshold, window_days=window_days, qv=qv)
    from .model import load, rescore
    model = load() if model is None else model
    if model:
        rescore(sys.modules[__name__], model, index, letter, found, qv=qv)
    ranked = sorted(found.values(), key=lambda s: (-round(s.raw, 4), s.order, *_recency(index.targets[s.target])))
    out = []
    for r, s in enumerate(ranked[:keep], 1):
        if s.score < MIN_SCORE and s.accepted is None:
            break
        out.append(Link(from_id=letter.id, to_id=index.targets[s.target].id, relation=s.relation,
                        score=round(s.score, 4), accepted=(s.score >= threshold) if s.accepted is None else s.accepted,
                        evidence=s.evidence, rank=r))
    return out


class _Found(dict):
    """target index -> `Scored`; `put` keeps the better of two scorings of one target."""

    def put(self, i: int, score: float, rel: str, evidence: str, order: tuple = (), raw: Optional[float] = None) -> None:
        raw = score if raw is None else raw
        cur = self.get(i)
        if cur is None or raw > cur.raw:
            self[i] = Scored(i, min(1.0, max(0.0, score)), rel, evidence, order, raw)


def candidates(index: CandidateIndex, letter: LetterRec, *, threshold: float = ACCEPT_THRESHOLD,
               window_days: int = WINDOW_DAYS, qv=None) -> dict[int, Scored]:
    """The candidate targets of a letter with their rule scores and evidence (target index -> `Scored`)."""
    lo_ord = letter.ord
    hi = (lo_ord + SLACK_DAYS) if lo_ord is not None else 10 ** 7
    lo = (lo_ord - window_days) if lo_ord is not None else 0
    found = _Found()
    _explicit_candidates(index, letter, found)
    named, cand = _blocked(index, letter, lo, hi)
    if cand:
        _score_blocked(index, letter, sorted(cand), named, found, threshold, qv)
    _apply_body_claims(index, letter, found)
    _propagate_replaced(index, found, threshold)
    _demote_runner_ups(index, letter, found)
    if lo_ord is not None:
        _early_reaction_first(index, lo_ord, found)
    _debate_siblings(index, letter, found)
    return found


def _explicit_candidates(index: CandidateIndex, letter: LetterRec, found: _Found) -> None:
    """Explicit references, the registers and Zaak.GerelateerdNaar."""
    mention_by_ref: dict[str, Mention] = {}
    for m in letter.mentions:   # the mention that declares it done (or names submitters) speaks for the ref
        if m.ref:
            cur = mention_by_ref.get(m.ref.lower())
            if cur is None or (m.declared_done, bool(m.submitters)) > (cur.declared_done, bool(cur.submitters)):
                mention_by_ref[m.ref.lower()] = m
    for pos, (rid, via) in enumerate(letter.refs):
        i = index.by_id.get(rid.lower())
        if i is None:
            continue
        t = index.targets[i]
        m = mention_by_ref.get(rid.lower())
        if via == "title-tvv":
            found.put(i, 0.99, _relation_for(letter, t, None, via), "replaced motion named in title (t.v.v.)",
                      (1, 99), raw=0.99)
            continue
        where = {"extref": "explicit reference (extref)", "footnote": "explicit reference in a footnote",
                 "title": "explicit reference in title"}.get(via, f"explicit reference in {via}")
        ev = where + (" (declared done)" if m and m.declared_done else "")
        found.put(i, 1.0, _relation_for(letter, t, m, via), ev, (0, pos), raw=2.0)
    for pos, (tid, ev) in enumerate(letter.register_targets):
        i = index.by_id.get(tid.lower())
        if i is not None:
            found.put(i, 0.98, "fulfils", ev, (0, 100 + pos), raw=1.9)
    for pos, z in enumerate(letter.related_zaken):
        i = index.by_zaak.get(z)
        if i is None:
            i = index.by_id.get(z.lower())
        if i is not None:
            t = index.targets[i]
            found.put(i, 0.97, _relation_for(letter, t, None, "zaak"), f"Zaak.GerelateerdNaar {z}", (0, 200 + pos),
                      raw=1.8)


def _blocked(index: CandidateIndex, letter: LetterRec, lo: int, hi: int) -> tuple[dict[int, float], set[int]]:
    """Candidates from the blocks: names, dossier, rare terms (all inside the time window)."""
    named: dict[int, float] = {}
    for m in letter.mentions:
        # a gewijzigde motie is printed a day or two after the cabinet may already have appreciated it
        hi_m = hi + AMENDED_SLACK_DAYS if (m.amended and letter.ord is not None) else hi
        for n in m.submitters:
            for i in index.window(index.by_name.get(name_key(n), []), lo, hi_m):
                if index.ords[i] > hi and not index.amended[i]:
                    continue
                named[i] = named.get(i, 0.0) + 1.0
    for n in letter.member_names:
        for i in index.window(index.by_name.get(name_key(n), []), lo, hi):
            named[i] = named.get(i, 0.0) + 0.5
    body_terms = terms(letter.title)
    if letter.text:
        from collections import Counter
        cnt = Counter(terms(letter.text[:20000]))
        body_terms += [w for w, _ in sorted(cnt.items(), key=lambda kv: -kv[1] * index.idf.get(kv[0], 0))[:40]]
    term_hits: dict[int, float] = {}
    for w in set(body_terms):
        p = index.by_term.get(w)
        if not p or len(p) > index.rare_df:
            continue
        wgt = index.idf.get(w, 1.0)
        for i in index.window(p, lo, hi):
            term_hits[i] = term_hits.get(i, 0.0) + wgt
    if letter.dossier:
        for i in index.window(index.by_dossier.get(letter.dossier, []), lo, hi)[-MAX_BLOCK:]:
            term_hits[i] = term_hits.get(i, 0.0) + 1.0
    return named, set(named) | {i for i, _ in sorted(term_hits.items(), key=lambda kv: -kv[1])[:MAX_BLOCK]}


@dataclass
class _LetterCtx:
    """What the scoring of one letter's blocked candidates shares."""
    prepared: list
    any_named: bool
    member_motion: bool
    named_ords: list
    debate_terms: list
    named: dict


def _letter_ctx(letter: LetterRec, named: dict[int, float]) -> _LetterCtx:
    prepared = []
    title_terms = _topic_terms(letter.title)
    for m in letter.mentions:
        m_topic = " ".join(terms(m.topic)) if m.topic else ""
        m_terms = _topic_terms(m.topic) if m.topic else [w for w in title_terms
                                                        if w not in {name_key(n) for n in m.submitters}]
        prepared.append((m, m_topic, m_terms))
    any_named = any(m.submitters for m in letter.mentions)
    member_motion = (not any_named and bool(letter.member_names) and _MOTIE_WORD.search(letter.title or "")
                     is not None)
    named_ords = [o for o in (iso_ord(d) for d in letter.dates_named) if o is not None]
    return _LetterCtx(prepared, any_named, member_motion, named_ords, letter.debate_terms, named)


def _score_blocked(index: CandidateIndex, letter: LetterRec, ids: list[int], named: dict[int, float],
                   found: _Found, threshold: float, qv) -> None:
    if qv is None:
        qv = index.vector(letter.title + " " + letter.text[:20000])
    cos = (index.matrix[ids] @ qv.T).toarray().ravel() if qv is not None else [0.0] * len(ids)
    ctx = _letter_ctx(letter, named)
    for i, c in zip(ids, cos):
        t = index.targets[i]
        if t.source_doc and t.source_doc == letter.id:
            continue
        best, best_ev, best_m, order = _best_reading(index, letter, ctx, i, t, float(c))
        if best <= 0:
            continue
        best, best_ev = _context_bonus(index, letter, ctx, t, best, best_ev, best_m)
        rel = _relation_for(letter, t, best_m, None)
        if (best_m is None and best < threshold) or order[0] == 3:
            # the letter does not name this motion: a letter on the same subject ("Voortgang experiment
            # gesloten coffeeshopketen") is related to it, but neither carries it out nor answers it
            rel = "mentions"
        found.put(i, best, rel, best_ev, order)


def _best_reading(index: CandidateIndex, letter: LetterRec, ctx: _LetterCtx, i: int, t: Target,
                  c: float) -> tuple[float, str, Optional[Mention], tuple]:
    """The best of the ways the letter may refer to candidate i: a mention, the member, a commitment's
    debate, or text similarity alone."""
    best, best_ev, best_m, order = 0.0, "", None, (9, 0)
    for m, m_topic, m_terms in ctx.prepared:
        if m.ref and index.by_id.get(m.ref.lower()) != i:
            continue   # the mention names another Kamerstuk
        if m.submitters and i not in ctx.named:
            continue
        s, ev = _score_mention(index, i, t, m, m_topic, m_terms, c)
        if s > best:
            if m.declared_done:
                ev += " (declared done)"
            best, best_ev, best_m, order = s, ev, m, (1, m.position)
    for s, ev, o in (_member_reading(letter, ctx, i, t, c), _commitment_reading(letter, t, c)):
        if s > best:
            best, best_ev, best_m, order = s, ev, None, o
    plain = 0.85 * min(1.0, 1.3 * c)
    if ctx.any_named:
        plain *= 0.6   # the letter says whose motion it answers; this one is not theirs
    if plain > best:
        best, best_ev, best_m, order = plain, f"text similarity {c:.2f}", None, (3, 0)
    return best, best_ev, best_m, order


def _member_reading(letter: LetterRec, ctx: _LetterCtx, i: int, t: Target, c: float) -> tuple[float, str, tuple]:
    """"verzoek van het lid Stoffer over het uitvoeren van de motie": no submitters given for the motion, but
    the member named is a likely submitter, and a debate or vote date named in the letter falls within two
    weeks after the motion was submitted. Ranks candidates but is never enough to accept a link."""
    if not (t.kind == "motion" and ctx.member_motion and i in ctx.named):
        return 0.0, "", (9, 0)
    ns = max((name_sim(n, x) for n in letter.member_names for x in t.names + t.sig_names), default=0.0)
    near = [d for d in ctx.named_ords if t.ord is not None and 0 <= d - t.ord <= 14]
    s = 0.45 * (0.4 * ns + (0.3 if near else 0.0) + 0.3 * min(1.0, 1.5 * c)) / 0.7
    if not ns:
        return 0.0, "", (9, 0)
    parts = [f"member {', '.join(letter.member_names)} ({ns:.2f})", f"text similarity {c:.2f}"]
    if near:
        parts.insert(1, "submitted within two weeks before a date the letter names")
    return s, " + ".join(parts), (2, 0)


def _commitment_reading(letter: LetterRec, t: Target, c: float) -> tuple[float, str, tuple]:
    if t.kind != "commitment":
        return 0.0, "", (9, 0)
    ns = max((name_sim(n, x) for n in letter.member_names for x in t.names), default=0.0)
    same_day = t.date in set(letter.dates_named) if t.date else False
    s = 0.55 * min(1.0, 1.6 * c) + 0.25 * ns + (0.25 if same_day else 0.0)
    parts = [f"text similarity {c:.2f}"]
    if ns:
        parts.insert(0, f"member {', '.join(t.names)}")
    if same_day:
        parts.insert(0, f"debate of {t.date}")
    return s, " + ".join(parts), (2, 0)


def _context_bonus(index: CandidateIndex, letter: LetterRec, ctx: _LetterCtx, t: Target, best: float, best_ev: str,
                   best_m: Optional[Mention]) -> tuple[float, str]:
    """Same dossier, the debate named, a debate date named; a small preference for recent targets."""
    if letter.dossier and t.dossier and letter.dossier == t.dossier:
        best = min(1.0, best + 0.03)
        best_ev += " + same dossier"
    if ctx.debate_terms and t.kind == "motion" and t.debate:
        deb = "".join(words(t.debate))
        share = sum(1 for w in ctx.debate_terms if w[:max(5, len(w) - 2)] in deb) / len(ctx.debate_terms)
        if share >= 0.5:
            # "... ingediend bij de Voorjaarsnota": the motion's dossier is that debate's
            best += 0.2 * share
            best_ev += f" + submitted in the debate named ({t.debate})"
    if best_m is not None and t.kind == "motion" and t.ord is not None and \
            any(0 <= d - t.ord <= 1 for d in ctx.named_ords):
        # "twee moties van het lid Eerdmans ingediend tijdens het Tweeminutendebat ... van 12 juni 2024"
        best += 0.08
        best_ev += " + submitted in the debate of the date named"
    # a small preference for recent targets breaks ties among equals (answers mostly come within a year)
    if letter.ord is not None and t.ord is not None:
        best -= 0.02 * min(1.0, max(0, letter.ord - t.ord) / 365)
    return best, best_ev


def _propagate_replaced(index: CandidateIndex, found: _Found, threshold: float) -> None:
    """A gewijzigde motie replaces the motion it names "t.v.v.": that one is answered as well, just after it."""
    for sc in sorted(found.values(), key=lambda sc: -sc.raw):
        t = index.targets[sc.target]
        j = index.by_id.get(t.replaces.lower()) if t.replaces and sc.score >= threshold else None
        if j is not None and (j not in found or found[j].raw < sc.raw - 0.005):
            found[j] = Scored(j, max(0.0, sc.score - 0.005), sc.relation, f"replaced by {t.id} (t.v.v.); {sc.evidence}",
                              sc.order, sc.raw - 0.005)


def _demote_runner_ups(index: CandidateIndex, letter: LetterRec, found: _Found) -> None:
    """One mention names one motion ("twee moties" two): the runners-up of a mention rank after the first
    choices of the other mentions."""
    by_mention: dict[int, list[Scored]] = {}
    for sc in found.values():
        if sc.order and sc.order[0] == 1:
            by_mention.setdefault(sc.order[1], []).append(sc)
    counts = {m.position: m.count for m in letter.mentions}
    for pos, group in by_mention.items():
        group.sort(key=lambda sc: (-round(sc.raw, 4), sc.order, *_recency(index.targets[sc.target])))
        for sc in group[counts.get(pos, 1):]:
            sc.runner_up = True
            sc.raw -= 0.05
            sc.score = max(0.0, min(sc.score, sc.raw))


def _early_reaction_first(index: CandidateIndex, lo_ord: int, found: _Found) -> None:
    """A reaction written before a gewijzigde motie was printed (dated the same day or later) can only cite
    the motion it replaces ("appreciatie van de gewijzigde motie ... (t.v.v. Kamerstuk 32156-132)"): that one
    first."""
    best_rep: dict[int, Scored] = {}
    for sc in found.values():
        t = index.targets[sc.target]
        j = index.by_id.get(t.replaces.lower()) if t.replaces else None
        if (j is not None and j in found and sc.relation != "fulfils" and t.ord is not None and t.ord >= lo_ord
                and (j not in best_rep or sc.raw > best_rep[j].raw)):
            best_rep[j] = sc
    for j, rep in best_rep.items():
        orig = found[j]
        if orig.raw <= rep.raw:
            orig.raw, orig.score = rep.raw + 0.001, max(orig.score, rep.score)
            orig.evidence = (f"replaced by {index.targets[rep.target].id}, printed on or after the letter's date; "
                             + orig.evidence.split("; ", 1)[-1])


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
    # motions a letter cites that the store does not hold yet get a row known_from='reference'
    known = {t.id.lower() for t in targets}
    new_rows = []
    for rec, _ in letters:
        for m in rec.mentions:
            if m.ref and m.ref.lower() not in known and re.match(r"kst-", m.ref, re.I):
                row = _reference_motion_row(m.ref, m.submitters, m.request, -1, -1, m.text, rec.date, [])
                new_rows.append({**{k: None for k in _MOTION_COLS}, **row, "updated_at": now_iso()})
                known.add(m.ref.lower())
    if new_rows:
        with store.transaction():
            store.db["motions"].upsert_all(new_rows, pk="id", alter=True)
        stats["motions_from_references"] = stats.get("motions_from_references", 0) + len(new_rows)
        targets += [_motion_target(r) for r in new_rows]   # the index sorts its targets itself
    target_fp = {t.id: _target_fingerprint(t) for t in targets}
    letter_fp = {rec.id: _letter_fingerprint(rec, upd) for rec, upd in letters}
    changed_targets = [t for t in targets if state.get(("target", t.id)) != target_fp[t.id]]
    gone_targets = {i for (k, i) in state if k == "target"} - set(target_fp)
    if not incremental:
        todo = {rec.id for rec, _ in letters}
    else:
        todo = {rec.id for rec, _ in letters if state.get(("letter", rec.id)) != letter_fp[rec.id]}
    index = None
    if changed_targets or gone_targets or todo:
        index = build_index(targets)
    if incremental and (changed_targets or gone_targets) and index is not None:
        keys: set[str] = set()
        for t in changed_targets:
            keys |= index.keys_of(t)
        keys |= {"id:" + g.lower() for g in gone_targets}
        min_ord = min((t.ord for t in changed_targets if t.ord), default=0)
        changed_dossiers = {t.dossier for t in changed_targets if t.dossier}
        linked_to_gone = {r[0] for g in gone_targets for r in
                          store.db.execute("select from_id from links where to_id = ?", [g])}
        for rec, _ in letters:
            if rec.id in todo:
                continue
            if rec.id in linked_to_gone or ((rec.ord or 10 ** 7) + SLACK_DAYS >= min_ord and letter_keys(rec) & keys):
                todo.add(rec.id)
            elif rec.dossier in changed_dossiers:
                todo.add(rec.id)
    n_links = n_written = 0
    done = 0
    total = len(todo)
    now = now_iso()
    batch: list[tuple[str, list[Link]]] = []

    def flush() -> None:
        nonlocal n_written
        if not batch:
            return
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
        n_written += len(rows) + len(gone)
        batch.clear()

    todo_recs = [rec for rec, _ in letters if rec.id in todo]
    qvs = index.vectorizer.transform([" ".join(terms(r.title + " " + r.text[:20000])) for r in todo_recs]) \
        if (index is not None and index.matrix is not None and todo_recs) else None
    for j, rec in enumerate(todo_recs):
        links = link_letter(index, rec, keep=keep, threshold=threshold, qv=qvs[j] if qvs is not None else None)
        n_links += len(links)
        batch.append((rec.id, links))
        done += 1
        if len(batch) >= 2000:
            flush()
        if progress:
            progress(done, total)
    flush()
    with store.transaction():
        if changed_targets:
            store.db["link_state"].upsert_all([{"kind": "target", "id": t.id, "fingerprint": target_fp[t.id],
                                                "updated_at": now} for t in changed_targets], pk=("kind", "id"))
        if gone_targets:
            store.db.conn.executemany("delete from link_state where kind = 'target' and id = ?",
                                      [(g,) for g in gone_targets])
    stats.update({"letters": len(letters), "targets": len(targets), "relinked": total, "links": n_links,
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
