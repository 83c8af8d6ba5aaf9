"""Motions: mentions of a motion in letters and debates, and the parse of a motion document itself.

find_motion_mentions(text, footnotes)  -> [MotionMention]
    "bij motie van het lid Van der Molen¹ verzocht om «…»"  (submitters, ref from the footnote, quoted request)
    "de motie-Chakor/Van Nispen", "de motie Van Baarle-Dassen", "motie 36 (Flach e.a.)",
    "de motie op stuk nr. 254 van de leden Dijksma en Segers", "de gewijzigde motie van het lid X c.s.",
    anaphors ("deze motie", "de motie", "de genoemde motie": no submitters), declared_done when the sentence
    declares the motion done ("als afgedaan", "Afdoening van de motie", "De motie is daarmee afgedaan").
    Plurals and generic uses ("een aantal moties", "moties en toezeggingen", "een aangenomen motie") are not
    mentions.
parse_motion_text(text, title, id)     -> MotionRecord
    submitters from the signature block (fallback: the title "Motie van het lid X c.s." / "MOTIE VAN DE LEDEN X
    EN Y"), the considerations (constaterende/overwegende/van mening/spreekt uit) and the dicta (verzoekt …).

Regex only, compiled at module level, with a cheap "moti" prefilter. No I/O at call time (the members list is
read once, on first use, from the package's data folder).
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from importlib import resources
from typing import Callable, Optional

from kamerstukken.models import MotionMention, MotionRecord
from kamerstukken.nlp.references import find_references, locate_marks

__all__ = ["find_motion_mentions", "parse_motion_text", "split_submitters", "parse_signature",
           "submitters_from_title", "known_members"]


# ------------------------------------------------------------------ names

@lru_cache(maxsize=1)
def known_members() -> frozenset[str]:
    """Lower-cased member names seen in motion signature blocks (kamerstukken/nlp/data/members.txt)."""
    try:
        raw = resources.files("kamerstukken.nlp").joinpath("data/members.txt").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return frozenset()
    return frozenset(line.strip().lower() for line in raw.splitlines() if line.strip() and not line.startswith("#"))


_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_LOW = r"a-zß-öø-ÿāăąćčďđēėęěğģīįıķĺļľłńņňōőœŕřśşšţťūůűųźżž"
_TV_WORDS = ("van der", "van den", "van de", "van 't", "van het", "van", "de", "den", "der", "ter", "ten", "te",
             "'t", "’t", "in 't", "in ’t", "in het", "in de", "op de", "op het", "op ten", "uit de", "uit den",
             "het", "le", "la", "du", "da", "dos", "el", "al", "von", "zu", "della", "di")
_TV = "(?:" + "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in _TV_WORDS), key=len, reverse=True)) + ")"
_TV_CAP = "(?:" + "|".join(sorted({re.escape(w[0].upper() + w[1:]).replace(r"\ ", r"\s+") for w in _TV_WORDS
                                     if w[0].isalpha()}, key=len, reverse=True)) + ")"
# words with a capital that are not surnames (sentence material after a name)
_STOP = ("Kamerstuk|Kamerstukken|Kamer|Kamerlid|Kamerleden|Handelingen|Tweede|Eerste|Minister|Staatssecretaris|"
         "Voorzitter|Regering|Kabinet|Nederland|Rijksoverheid|Deze|Dit|Die|Dat|Het|Een|In|Op|Met|Bij|Voor|Over|"
         "Ook|Uw|Ik|Wij|We|Zie|Daarom|Dan|Daarnaast|Verder|Hierbij|Hiermee|Daarmee|Tot|Na|Als|Om|Nr|Stuk|"
         "Motie|Moties|Brief|Appreciatie|Uitvoering|Reactie|Afdoening|Invulling|Januari|Februari|Maart|April|Mei|"
         "Juni|Juli|Augustus|September|Oktober|November|December|EU|CDA|VVD|PVV|NSC|BBB|SP|GL|D66|CU|SGP|JA21|"
         "PvdD|PvdA|DENK|FvD|Volt|BIJ1|GroenLinks|ChristenUnie|Ministerie|Europese|Raad|Commissie|Staten|Rijk")
_TOKEN = rf"(?!(?:{_STOP})(?![{_LOW}{_UP}'’-]))[{_UP}][{_LOW}{_UP}]*(?:['’][{_LOW}]+)?"
# a surname, optionally with tussenvoegsels, a first name or initials, and hyphenated parts
# ("Van der Molen", "Nijhof-Leeuw", "Van Veldhoven-van der Meer", "Inge van Dijk", "D. van Dijk", "Six Dijkstra")
_SURNAME = rf"(?:{_TV_CAP}\s+|{_TV}\s+)?{_TOKEN}(?:-(?:{_TV}\s+)?{_TOKEN})*"
_NAME = (rf"(?:(?:[{_UP}]\.\s?){{1,3}}\s*(?:{_TV}\s+)?{_TOKEN}(?:-(?:{_TV}\s+)?{_TOKEN})*"
         rf"|{_TOKEN}\s+{_TV}\s+{_TOKEN}(?:-{_TOKEN})*"
         rf"|{_TOKEN}[ \t]+{_TOKEN}(?:-{_TOKEN})*(?![^\W\d_]|-)"
         rf"|{_SURNAME})")
_PARTY = rf"(?:\s*\((?:[{_UP}0-9][\w\-/&+]{{0,24}})(?:\s[{_UP}][\w\-]*){{0,2}}\))"
_CS = r"(?:\s*,?\s*(?:c\.s\.?|e\.a\.?|cs\b|c\.\s?s\.)|\s*\((?:c\.s\.|e\.a\.)\))"
_SEP = r"(?:\s*,\s*|\s+en\s+|\s*/\s*|\s*&\s*)"
_NAMES = rf"(?:{_NAME}{_PARTY}?(?:{_SEP}{_NAME}{_PARTY}?){{0,6}}{_CS}?)"
# a tighter list for the unintroduced form "motie Van Baarle-Dassen": no "," (would swallow an apposition)
_NAMES_NAKED = rf"(?:{_NAME}{_PARTY}?(?:(?:\s+en\s+|\s*/\s*|\s*&\s*){_NAME}{_PARTY}?){{0,4}}{_CS}?)"

_INTRO = (r"(?:het\s+(?:(?:Tweede\s+|Eerste\s+)?Kamer)?lid|(?:de\s+)?(?:(?:Tweede\s+|Eerste\s+)?Kamer)?leden|lid|"
          r"(?:de\s+)?heer|(?:de\s+)?heren|mevrouw|mevr\.|mw\.|dhr\.|de\s+dames|het\s+(?:Tweede\s+)?Kamerlid|"
          r"(?:Tweede\s+)?Kamerlid|(?:de\s+)?(?:Tweede\s+)?Kamerleden)")

_DET = r"(?P<det>[Dd]e|[Dd]eze|[Dd]ie|[Ee]en|[Hh]aar|[Zz]ijn|[Hh]un|[Dd]ezelfde)"
_ADJ_WORDS = ("eerste", "tweede", "derde", "vierde", "vijfde", "laatste", "laatstgenoemde", "eerstgenoemde",
              "genoemde", "bovengenoemde", "voornoemde", "eerdergenoemde", "eerder genoemde", "hiervoor genoemde",
              "hierboven genoemde", "hiervoorgenoemde", "zojuist genoemde", "reeds genoemde", "eerder aangehaalde",
              "aangehaalde", "betreffende", "desbetreffende", "aangenomen", "gewijzigde", "nader gewijzigde",
              "aangehouden", "ingediende", "eerder ingediende", "eerdere", "vorige", "bewuste", "oorspronkelijke",
              "onderhavige", "bedoelde", "hierboven bedoelde", "voornoemde", "recente", "recent aangenomen",
              "eerder aangenomen", "breed aangenomen", "volgende", "andere", "unaniem aangenomen", "zogenoemde", "zogenaamde")
_ADJ = ("(?P<adj>(?:(?:" + "|".join(sorted((w.replace(" ", r"\s+") for w in set(_ADJ_WORDS)), key=len, reverse=True))
        + r"|(?<=[Dd]e\s)(?:nieuw|recent|oud|vorig|eerder|ander|zelfd|bekend|belangrijk|aangepast|zogeheten)e)\s+){1,3})")
_MOTIE = (r"(?P<motie>(?<![\w-])[Mm]otie(?![\w])(?!-(?!(?:van|de|den|der|ter|ten|te|in\s+'t)\s+[" + _UP + r"])["
          + _LOW + r"]))")

_TAIL = (
    rf"(?P<hyph>-\s?(?:{_TV}\s+)?{_NAMES})"                                                   # motie-Chakor/Van Nispen
    rf"|(?P<stuk>(?:\s*,\s*die|\s+die)?\s+(?:op|onder)\s+stuk\s*(?:nr\.?|nummer)\s*\d+[a-z]?"
    rf"(?:\s*,?\s+van\s+{_INTRO}\s+(?P<stuknames>{_NAMES}))?)"                # op stuk nr. 254 van de leden X en Y
    rf"|(?P<van>\s+van\s+{_INTRO}\s+(?P<vannames>{_NAMES}))"                  # van het lid X c.s.
    rf"|(?P<die>\s+die\s+{_INTRO}\s+(?P<dienames>{_NAMES})\s+(?:heeft\s+|had\s+)?(?:indiende|ingediend|indienden)"
    rf"(?:\s+heeft|\s+had)?)"                                                 # die het lid X indiende
    rf"|(?P<kst>(?=\s+\(?(?:Kamerstuk(?:ken)?\s+|kst-)?\d{{2}}\s?\d{{3}}(?:[\s,-]|$)))"           # motie 29842, nr. 21
    rf"|(?P<num>\s+(?:nr\.?\s*)?(?P<numval>\d{{1,4}})(?![\d.,]\d)(?:\s*\((?P<numnames>{_NAMES})\))?"
    rf"(?:\s*,?\s+van\s+{_INTRO}\s+(?P<numvan>{_NAMES}))?)"                 # motie 36 (Flach e.a.)
    rf"|(?P<named>\s+(?P<namednames>{_NAMES_NAKED}))"                         # motie Van Baarle-Dassen
)
_MENTION_RE = re.compile(rf"(?:{_DET}\s+)?{_ADJ}?{_MOTIE}(?:{_TAIL})?")

_NAMES_RE = re.compile(_NAMES)
_MOTIE_RE = re.compile(_MOTIE)   # where the "motie" group of _MENTION_RE can stand
_PREFIX_RUNS = 8  # a match's text before "motie" is (det\s+)?(adj\s+){0,3}: at most 7 runs of letters


def _iter_mentions(text: str):
    """Exactly _MENTION_RE.finditer(text), faster: _MENTION_RE tries every position of the text; a match holds a
    "motie" (_MOTIE_RE) and before it only a determiner and adjectives (letters and whitespace, at most 7 runs of
    letters, none containing "motie"), so no match starts before the letters-and-whitespace stretch just before
    the next "motie": the search starts there."""
    pos = 0
    n = len(text)
    for q in _MOTIE_RE.finditer(text):
        qs = q.start()
        if qs < pos:
            continue
        lo = qs
        runs = 0
        while lo > pos:
            c = text[lo - 1]
            if c.isspace():
                lo -= 1
            elif c.isalpha():
                if runs == _PREFIX_RUNS:
                    break
                runs += 1
                while lo > pos and text[lo - 1].isalpha():
                    lo -= 1
            else:
                break
        m = _MENTION_RE.search(text, lo)
        if m is None:  # cannot happen (a match starts at qs at the latest); kept for safety
            break
        yield m
        pos = m.end()
        if pos >= n:
            break
_PREFILTER = re.compile(r"[Mm]otie(?![\w])")

# submitters given around a mention: "verzoekt mevrouw Ellemeet", "roept de heer Alkaya op",
# "de heer Alkaya heeft een motie ingediend", "namelijk die op stuk nr. 307 van de heren Veldman en Paternotte"
_AFTER_SUB_RE = re.compile(rf"\s*,?\s*(?:verzoekt|vraagt|roept|wil|wilde|stelt|verzocht|vroeg)\s+{_INTRO}\s+"
                           rf"(?P<names>{_NAMES})")
_BY_RE = re.compile(rf"\s*,?\s+(?:die\s+)?(?:is|werd|wordt|was)\s+(?:mede\s+)?(?:voorgesteld|ingediend|ondertekend)\s+"
                    rf"door\s+{_INTRO}\s+(?P<names>{_NAMES})")
_LATER_VAN_RE = re.compile(rf"\bstuk\s*nr\.?\s*\d+\s*,?\s+van\s+{_INTRO}\s+(?P<names>{_NAMES})")
_BEFORE_SUB_RE = re.compile(rf"(?:{_INTRO})\s+(?P<names>{_NAMES}){_PARTY}?\s+(?:heeft|hebben|had|hadden|dient|"
                            rf"dienen|diende|dienden)\s+(?:\w+\s+){{0,3}}$")
_STUK_SOON_RE = re.compile(r"^[^.;:!?]{0,90}?\bstuk\s*nr")

_BARE_OK_BEFORE = re.compile(r"(?:\b(?:uitvoering|uitv\.|afdoening|afwikkeling|afhandeling|opvolging|reactie|appreciatie|invulling|bij|via|per|middels|"
                             r"conform|ingevolge|krachtens|n\.a\.v\.|naar\s+aanleiding\s+van|van|op|aan)\s*|\(\s*)$", re.I)

# declaring a motion done
_DONE_RE = re.compile(
    r"\bals\s+afgedaan\b|\b(?:is|zijn|wordt|worden)\s+(?:\w+\s+){0,3}?afgedaan\b|"
    r"\b(?:daarmee|hiermee|hierbij|daarbij|hiermede|daarmede)\s+(?:\w+\s+){0,2}?afgedaan\b|"
    r"\bbeschouw\w*\b[^.;]{0,160}\bafgedaan\b|\b[Aa]fdoening\s+(?:van\s+)?(?:de\s+)?(?:\w+\s+){0,3}?motie|"
    r"\bafgedaan\s+te\s+(?:beschouwen|verklaren)\b|\bdoe\s+ik\s+(?:\w+\s+){0,4}?af\b",
)
_NEG_RE = re.compile(r"\b(?:niet|nog\s+geen|geen|nooit)\b")

_QUOTE_RE = re.compile(r"«([^»]{3,1500})»|“([^”]{3,1500})”|„([^”\"]{3,1500})[”\"]|\"([^\"]{3,1500})\"")

_ABBREV = frozenset("""a.d a.g.v art artt bijv blz c.a c.q c.s ca cf d.d d.i d.m.v d.w.z dhr dr drs e.a e.d e.v enz etc
evt excl i.c i.e i.o i.p.v i.s.m i.t.t i.v.m incl ir jl jhr jr kamerst m.a.w m.b.t m.i.v mevr mr mw n.a.v n.b nl nr
nrs o.a o.b.v o.l.v o.m p pag par prof resp s.v.p st stb stcrt t.a.v t.b.v t.g.v t.o.v t.v.v t.w t.z.t vgl vs z.s.m
zgn""".split())
_SENT_END_RE = re.compile(r"[.!?…]+[\"'»”’)\]]*(?:[0-9]{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)?(?=\s+[\"'«“(\[]?[A-Z" + _UP[3:] + r"0-9])"
                          r"|\n\s*\n|\n(?=\s*[-•–])")


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        if m.group(0)[0] == ".":
            w = re.search(r"([\w.]+)$", text[max(0, m.start() - 12):m.start()])
            if w and (w.group(1).lower().rstrip(".") in _ABBREV or re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", w.group(1))):
                continue
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


# ------------------------------------------------------------------ submitters

def _clean_name(n: str) -> str:
    n = re.sub(_PARTY + "$", "", n.strip())
    n = re.sub(_CS + "$", "", n).strip(" ,.")
    n = re.sub(r"\s+", " ", n)
    return n


# "... bij brief van 3 maart 2024 (Kamerstuk", "het verslag (Kamerstuk", "heb ik u geïnformeerd (Kamerstuk":
# the Kamerstuk right after such a word is that document, not the motion named earlier in the sentence
_OTHER_DOC_BEFORE_RE = re.compile(
    r"\b(?:brief|brieven|kamerbrief|verslag|nota|beantwoording|antwoorden|antwoord|wetsvoorstel|voorstel\s+van\s+wet|"
    r"debat|overleg|geïnformeerd|gemeld|toegezegd)"
    r"(?:\s+(?:van|d\.d\.|op)\s+(?:\d{1,2}\s+\w+(?:\s+\d{4})?|\w+)|\s+jl\.?)?\s*\(\s*(?:zie\s+)?$", re.I)
# a bracketed aside between a mention and a Kamerstuk that may hold another document's reference: one with a
# number or a long one; short acronyms and word parts ("(LISD)", "(GVS)", "(jeugd-)ggz", "kleine(re)") are part
# of the motion's subject
_ASIDE_RE = re.compile(r"(?<!\w)\((?:[^()]*\d[^()]*|[^()]{16,})\)")
# a motion named by its subject: "de motie over ...", "de aangenomen motie inzake ..."
_TOPIC_AFTER_RE = re.compile(r"\s*(?:over|inzake|betreffende|aangaande|m\.b\.t\.|met\s+betrekking\s+tot)\s+\w", re.I)


def split_submitters(names: str, joined_by_hyphen: bool = False) -> list[str]:
    """"Van Baarle en Dassen (D66)" -> ["Van Baarle", "Dassen"]; with joined_by_hyphen (the "motie X-Y" form)
    "Van Baarle-Dassen" -> ["Van Baarle", "Dassen"] unless the hyphenated name is a known member
    ("Nijhof-Leeuw") or the second part starts with a tussenvoegsel ("Van Veldhoven-van der Meer")."""
    s = re.sub(_CS + r"\s*$", "", names.strip())
    s = re.sub(_PARTY, "", s)
    parts = [p for p in re.split(r"\s*,\s*|\s+en\s+|\s*/\s*|\s*&\s*", s) if p.strip()]
    out: list[str] = []
    members = known_members()
    for p in parts:
        p = _clean_name(p)
        if not p:
            continue
        if joined_by_hyphen and len(parts) == 1 and "-" in p and p.lower() not in members:
            pieces = p.split("-")
            if all(re.match(rf"(?:{_TV_CAP}\s+)?[{_UP}]", x) for x in pieces[1:]):
                out.extend(x.strip() for x in pieces if x.strip())
                continue
        out.append(p)
    return out


# ------------------------------------------------------------------ mentions

def _mention_kind(m: re.Match) -> str:
    for k in ("hyph", "stuk", "van", "die", "kst", "num", "named"):
        if m.group(k) is not None:
            return k
    return "bare"


# "de moties van de leden Jacobi en Aukje de Vries over A (Kamerstuk 33 450, nr. 31) en van het lid Ouwehand c.s.
# over B (Kamerstuk 33 450, nr. 32)", "moties van het lid Ziengs over A (Kamerstuk ...) en over B (Kamerstuk ...)",
# "de moties Van Ginneken c.s. (Kamerstuk 26643-1011) en Dekker Abdulaziz c.s. (Kamerstuk 32317-856)"
_PLURAL_HEAD_RE = re.compile(
    r"\b(?:(?:de|beide|twee|drie|vier|vijf)\s+)?(?:(?:aangenomen|gewijzigde|ingediende)\s+)?moties\b\s*", re.I)
_PLURAL_MEMBER_RE = re.compile(rf"(?:van\s+)?(?:{_INTRO})\s+(?P<names>{_NAMES})|(?P<naked>{_NAMES_NAKED})")
_PLURAL_NEXT_RE = re.compile(r"\s*(?:,|en|alsmede|;)\s+(?:(?:op\s+)?(?:de\s+)?(?:gewijzigde\s+)?motie\s+)?", re.I)


_PLURAL_WORD_RE = re.compile(r"\bmoties\b", re.I)


def _plural_mentions(text: str, sents: list[tuple[int, int]], kst_refs: Callable[[], list]) -> list[MotionMention]:
    """One mention per motion a plural names with its Kamerstuk: each segment "(van het lid X) (over Y)
    (Kamerstuk N)"; a segment without a member of its own keeps the previous one's. Plurals that identify no
    motion ("een aantal moties", "moties en toezeggingen") give nothing."""
    out: list[MotionMention] = []
    refs = kst_refs()
    for h in _PLURAL_HEAD_RE.finditer(text):
        se = next((b for a, b in sents if a <= h.start() < b + 1), len(text))
        pos, subs, seg_start = h.end(), [], h.start()
        while pos < se:
            m = _PLURAL_MEMBER_RE.match(text, pos)
            if m and m.start() == pos:
                subs = split_submitters(m.group("names") or m.group("naked"), joined_by_hyphen=not m.group("names"))
                text_end = m.end()
            else:
                text_end = None
            # the segment's Kamerstuk: the first reference before the next segment, in brackets
            ref = next((r for r in refs if r.char_start >= pos and r.char_start < se), None)
            if ref is None or not subs:
                break
            gap = text[(text_end or pos):ref.char_start]
            if not re.search(r"\(\s*$", gap) or re.search(r"\bmoties?\b", gap) or _ASIDE_RE.search(gap) \
                    or len(gap) > 300:
                break
            start = seg_start if not out or out[-1].char_start < seg_start else pos
            end = text_end or (pos + len(gap[:gap.rfind("(")].rstrip()))
            out.append(MotionMention(text=text[start:end].strip(), ref=ref.id, submitters=list(subs),
                                     char_start=start, char_end=start + len(text[start:end].strip())))
            close = text.find(")", ref.char_end)
            nxt = _PLURAL_NEXT_RE.match(text, close + 1) if close >= 0 else None
            if nxt is None or close - ref.char_end > 3:
                break
            pos = seg_start = nxt.end()
    return out


def find_motion_mentions(text: str, footnotes: Optional[dict[str, str]] = None) -> list[MotionMention]:
    if not text:
        return []
    singular, plural = _PREFILTER.search(text), _PLURAL_WORD_RE.search(text)
    if not (singular or plural):
        return []
    sents = _sentence_bounds(text)
    found: list = []

    def kst_refs() -> list:   # the text's Kamerstuk references, found once, only when a mention needs them
        if not found:
            found.append([x for x in find_references(text) if x.id.startswith("kst-")])
        return found[0]

    single = _singular_mentions(text, footnotes, sents, kst_refs) if singular else []
    if not plural:
        return single
    more = [p for p in _plural_mentions(text, sents, kst_refs)
            if not any(p.char_start < m.char_end and m.char_start < p.char_end for m in single)]
    return sorted(single + more, key=lambda m: m.char_start) if more else single


def _singular_mentions(text: str, footnotes: Optional[dict[str, str]], sents: list[tuple[int, int]],
                       kst_refs: Callable[[], list]) -> list[MotionMention]:

    sent_starts = [b[0] for b in sents]

    def sent_of(pos: int) -> tuple[int, int]:
        return sents[max(0, bisect.bisect_right(sent_starts, pos) - 1)]

    raw: list[dict] = []
    for m in _iter_mentions(text):
        kind = _mention_kind(m)
        det = (m.group("det") or "").lower()
        adj = (m.group("adj") or "").strip().lower()
        start, end = m.start(), m.end()
        ss, se = sent_of(m.start("motie"))
        subs: list[str] = []
        if kind == "hyph":
            subs = split_submitters(m.group("hyph")[1:].strip(), joined_by_hyphen=True)
        elif kind == "named":
            subs = split_submitters(m.group("namednames"), joined_by_hyphen=True)
        elif kind == "van":
            subs = split_submitters(m.group("vannames"))
        elif kind == "die":
            subs = split_submitters(m.group("dienames"))
        elif kind == "num" and (m.group("numnames") or m.group("numvan")):
            subs = split_submitters(m.group("numnames") or m.group("numvan"))
        elif kind == "stuk" and m.group("stuknames"):
            subs = split_submitters(m.group("stuknames"))
        if kind == "num" and not subs and not det and not adj:
            # "motie 36" only counts with a determiner, a bracketed name, or an introducing word
            if not _BARE_OK_BEFORE.search(text[max(ss, start - 40):start]):
                continue
        if kind == "named" and not subs:
            continue
        identified = kind != "bare"
        if det == "een" and not subs and kind not in ("stuk",):
            # "een motie" is generic unless a member or a stuk nr. identifies it
            before = _BEFORE_SUB_RE.search(text[max(ss, start - 120):start])
            after_txt = text[end:se]
            if before:
                subs = split_submitters(before.group("names"))
            elif _STUK_SOON_RE.search(after_txt):
                lv = _LATER_VAN_RE.search(after_txt)
                if lv:
                    subs = split_submitters(lv.group("names"))
            else:
                continue
            identified = True
            if adj and not before and not subs and not _STUK_SOON_RE.search(after_txt):
                continue
        if kind == "bare" and not det and not adj:
            if not _BARE_OK_BEFORE.search(text[max(ss, start - 40):start]):
                continue
        if not subs:
            v = _BY_RE.match(text, end, se)
            if v:
                subs = split_submitters(v.group("names"))
        if kind == "stuk" and not subs:
            a = _AFTER_SUB_RE.match(text, end, se)
            if a:
                subs = split_submitters(a.group("names"))
        # trim a trailing space/comma
        while end > start and text[end - 1] in " ,":
            end -= 1
        if not identified and _TOPIC_AFTER_RE.match(text, end, se):
            identified = True       # "de motie inzake controle van containers ... (Kamerstuk 22343, nr. 196)"
        raw.append({"start": start, "end": end, "kind": kind, "det": det, "adj": adj, "subs": subs,
                    "sent": (ss, se), "identified": identified or bool(subs), "ref": None})

    # coreference inside one sentence: a bare "de motie" next to another mention repeats it
    by_sent: dict[tuple[int, int], list[dict]] = {}
    for r in raw:
        by_sent.setdefault(r["sent"], []).append(r)
    keep = []
    for i, r in enumerate(raw):
        if r["kind"] == "bare" and r["det"] == "de" and not r["adj"] \
                and not re.match(r"\s+(?:over|inzake|betreffende|met\s+betrekking\s+tot)\b", text[r["end"]:r["end"] + 30]):
            same = by_sent[r["sent"]]
            if any(o is not r and not (o["kind"] == "bare" and o["det"] == "de") for o in same) \
                    or any(o["start"] < r["start"] for o in same):
                continue
        keep.append(r)
    raw = keep
    if not raw:
        return []

    # references: a Kamerstuk right after the mention, or in the clause the mention heads
    refs = kst_refs()
    ref_starts = [x.char_start for x in refs]
    for idx, r in enumerate(raw):
        nxt = raw[idx + 1]["start"] if idx + 1 < len(raw) else len(text)
        for ref in refs[bisect.bisect_left(ref_starts, r["start"]):]:
            if ref.char_start < r["end"]:       # inside the mention ("motie 36600-VII-20")
                r["ref"] = ref.id
                break
            if ref.char_start >= min(nxt, r["sent"][1]):
                break
            gap = text[r["end"]:ref.char_start]
            if re.fullmatch(r"[\s,]*(?:\(\s*|met\s+|onder\s+|:\s*|,\s*)?(?:\(?\s*(?:zie\s+)?)?", gap):
                r["ref"] = ref.id
                if r["kind"] == "kst" and "(" not in gap:
                    r["end"] = ref.char_end
            elif (r["identified"] and len(gap) <= 300 and re.search(r"\(\s*(?:zie\s+|t\.v\.v\.[^()]*)?$", gap)
                  and not _ASIDE_RE.search(gap)
                  # the Kamerstuk of a letter, report, debate or bill named just before it is not the motion's
                  and not _OTHER_DOC_BEFORE_RE.search(gap)):
                r["ref"] = ref.id
            break

    raw = [r for r in raw if r["kind"] != "kst" or r["ref"]]
    if not raw:
        return []

    # footnotes: the mark glued after (or inside) a mention gives its Kamerstuk
    if footnotes:
        pos = locate_marks(text, footnotes.keys())
        unplaced = []
        for mark, ftext in footnotes.items():
            fids = [x.id for x in find_references(ftext or "") if x.id.startswith("kst-")]
            if not fids:
                continue
            if mark not in pos:
                unplaced.append(fids[0])
                continue
            p = pos[mark][0]
            cands = [r for r in raw if r["start"] <= p and r["sent"][0] <= p < r["sent"][1] + 1
                     and p - r["end"] <= 220]
            if cands:
                r = cands[-1]
                if r["ref"] is None:
                    r["ref"] = fids[0]
        # a footnote whose mark cannot be found only goes to a mention when the text is a single sentence
        for fid in (unplaced if len(sents) <= 2 and len(text) < 1500 else []):
            free = [r for r in raw if r["ref"] is None]
            named = [r for r in free if r["subs"] or r["kind"] in ("num", "stuk")]
            target = named[0] if named else (free[0] if len(raw) == 1 and free else None)
            if target is not None:
                target["ref"] = fid

    # declared done: per sentence
    for r in raw:
        ss, se = r["sent"]
        seg = text[ss:se]
        for d in _DONE_RE.finditer(seg):
            before = seg[max(0, d.start() - 40):d.start()] + d.group(0)
            if _NEG_RE.search(before[-(len(d.group(0)) + 25):]):
                continue
            mid = seg[max(0, r["end"] - ss):d.start()] if d.start() > r["end"] - ss else ""
            if re.search(r"\btoezegging\w*\b", mid) and not re.search(r"\bmotie\b", mid):
                continue
            r["done"] = True
            break

    # quoted request: the first «…» / “…” after the mention in its sentence
    out = []
    for r in raw:
        ss, se = r["sent"]
        req = None
        q = _QUOTE_RE.search(text, r["end"], se)
        if q and q.start() - r["end"] <= 200:
            req = next(g for g in q.groups() if g is not None).strip().strip("*_ ").strip()
        out.append(MotionMention(text=text[r["start"]:r["end"]], ref=r["ref"], submitters=r["subs"],
                                 declared_done=bool(r.get("done")), request=req,
                                 char_start=r["start"], char_end=r["end"]))
    return out


# ------------------------------------------------------------------ motion documents

_ORDE_RE = re.compile(r"en\s+gaat\s+over\s+tot\s+de(?:\s+orde)?(?:\s+van)?(?:\s+de)?\s+dag\.?", re.I)
_HEAD_RE = re.compile(r"gehoord\s+de\s+beraadslaging\s*,?", re.I)
_MARKER_RE = re.compile(
    r"(?:(?:(?<=\n)|(?<=;)|^)\s*[–\-•]?\s*(?P<m>(?:en\s+|voorts\s+|tevens\s+|mede\s+|ook\s+|verder\s+)?"
    r"(?P<w>constaterende|constaterend|overwegende|overwegend|van\s+mening|is\s+van\s+mening|"
    r"spreekt\s+(?:zich\s+)?uit|verzoekt|roept|draagt|vraagt|gelet\s+op|gezien|wijst|betreurt|veroordeelt|"
    r"erkennende|benadrukt|besluit|stelt\s+vast|concludeert|onderkent|van\s+oordeel|in\s+aanmerking\s+nemende|"
    r"herinnerend)\b))"
    r"|(?:(?<=,)\s+(?P<m2>(?:en\s+)?(?P<w2>verzoekt|roept|draagt)\s+(?=de\s+regering|het\s+kabinet|de\s+minister|"
    r"de\s+staatssecretaris|het\s+presidium|de\s+[Vv]oorzitter|de\s+premier)))",
    re.I)
_DICTUM_WORDS = ("verzoekt", "roept", "draagt", "vraagt", "besluit")
_SIG_LINE_RE = re.compile(rf"^\s*\\?\s*(?:{_NAME})(?:\s*(?:,|en)\s*{_NAME})*\s*[.,]?(?:\s+e)?\s*$")
_TITLE_RE = re.compile(
    r"(?:[Mm]otie|MOTIE)\s+(?:\([^)]*\)\s+)?(?:van\s+(?:het\s+lid|de\s+leden)|VAN\s+(?:HET\s+LID|DE\s+LEDEN))\s+"
    r"(?P<names>.+?)(?=\s+(?:over|OVER|ter\s+vervanging|TER\s+VERVANGING|inzake|INZAKE)\b|\s*\(|\s*$|\s*\n)")
_TAG_RE = re.compile(r"<[^>]+>")


def _xml_to_text(xml: str) -> tuple[str, Optional[str]]:
    title = None
    t = re.search(r"<stuk>.*?<titel>(.*?)</titel>", xml, re.S) or re.search(r"<titel>(.*?)</titel>", xml, re.S)
    if t:
        title = _TAG_RE.sub("", t.group(1)).strip()
    lines = [_TAG_RE.sub("", x).strip() for x in re.findall(r"<al>(.*?)</al>", xml, re.S)]
    return "\n".join(x for x in lines if x), title


def _fix_case(name: str) -> str:
    """"VAN DER GRAAF" -> "Van der Graaf", "NIJHOF-LEEUW" -> "Nijhof-Leeuw"."""
    if name != name.upper():
        return name
    words = name.lower().split()
    out = []
    for i, w in enumerate(words):
        if i < len(words) - 1 and w in {"van", "der", "den", "de", "ter", "ten", "te", "'t", "het", "in", "op"} and i > 0:
            out.append(w)
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(out)


def submitters_from_title(title: str) -> tuple[list[str], bool]:
    """("Motie van het lid Flach c.s. over …") -> (["Flach"], True); the bool says "c.s." (more signers)."""
    if not title:
        return [], False
    m = _TITLE_RE.search(title)
    if not m:
        return [], False
    names = m.group("names").strip()
    nm = _NAMES_RE.match(names) or _NAMES_RE.match(_fix_case(names))
    if nm and names == names.upper() and nm.end() < len(names):
        nm = None
    if nm:
        names = names[:nm.end()]
    cs = bool(re.search(r"\bc\.\s?s\.?|\be\.a\.?", names, re.I))
    names = re.sub(r"\s*,?\s*(?:c\.\s?s\.?|C\.\s?S\.?|e\.a\.?)\s*$", "", names).strip()
    parts = [p for p in re.split(r"\s*,\s*|\s+(?:en|EN)\s+", names) if p.strip()]
    return [_fix_case(_clean_name(p)) for p in parts if _clean_name(p)], cs


def parse_signature(lines: list[str]) -> list[str]:
    """Names of the signature block lines ("Van der Plas", "Boswijk, Bikker", "Tuinman e", "Paternotte.")."""
    out = []
    for ln in lines:
        ln = ln.strip().lstrip("\\").strip()
        ln = re.sub(r"\s+e$", "", ln).strip(" .,;")
        ln = re.sub(rf"^([{_UP}]),\s*(?=(?:{_TV})\s)", r"\1. ", ln)     # "D, van Dijk" -> "D. van Dijk"
        if not ln:
            continue
        for p in re.split(r"\s*,\s*|\s+en\s+", ln):
            p = _clean_name(p.strip())
            if p:
                out.append(p)
    return out


def parse_motion_text(text: str, title: Optional[str] = None, id: Optional[str] = None) -> MotionRecord:
    text = text or ""
    if text.lstrip().startswith("<"):
        text, xml_title = _xml_to_text(text)
        title = title or xml_title
    rec = MotionRecord(id=id)
    if not text and not title:
        return rec

    # signature block
    orde = None
    for orde in _ORDE_RE.finditer(text):
        pass
    subs: list[str] = []
    if orde is not None:
        tail = [x for x in text[orde.end():].splitlines() if x.strip()]
        tail = [x for x in tail if _SIG_LINE_RE.match(x)]
        subs = parse_signature(tail)
        body_end = orde.start()
    else:
        lines = text.rstrip().splitlines()
        sig = []
        while lines and _SIG_LINE_RE.match(lines[-1]) and not lines[-1].rstrip().endswith((";", ":")) \
                and len(sig) < 20:
            sig.insert(0, lines.pop())
        subs = parse_signature(sig)
        body_end = len("\n".join(lines))
    if not subs:
        t_subs, _ = submitters_from_title(title or "")
        if not t_subs:
            t_subs, _ = submitters_from_title(text[:600])
        subs = t_subs
    rec.submitters = subs

    # body: considerations and dicta
    h = _HEAD_RE.search(text, 0, body_end)
    body_start = h.end() if h else 0
    body = text[body_start:body_end]
    marks = list(_MARKER_RE.finditer(body))
    for i, mk in enumerate(marks):
        seg_end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
        seg = body[mk.start("m") if mk.group("m") else mk.start("m2"):seg_end].strip().rstrip(",;").strip()
        seg = re.sub(r"\s*\n\s*", " ", seg)
        if not seg:
            continue
        w = (mk.group("w") or mk.group("w2")).lower()
        if w.startswith(_DICTUM_WORDS):
            rec.dicta.append(seg)
        else:
            rec.considerations.append(seg)
    return rec
