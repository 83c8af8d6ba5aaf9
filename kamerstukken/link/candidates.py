"""Records, the candidate index and the rule scoring of a letter's candidates; `link_letter` ranks them
(with the learned model of `link.model` deciding scores and acceptance)."""
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


from .text import *  # noqa: F401,F403


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


__all__ = [_n for _n in dir() if not _n.startswith("__")]
