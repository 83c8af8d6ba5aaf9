"""Citations of Kamerstukken and Handelingen, canonicalised.

    "Kamerstuk 35 300 VII, nr. 20"                      -> kst-35300-VII-20
    "Kamerstukken II 2019/20, 35 300 VII, nr. 109"      -> kst-35300-VII-109
    "TK 2024-2025, 36600-B, nr.21"                      -> kst-36600-B-21
    "(Kamerstuk 21501-32-1740)"                         -> kst-21501-32-1740
    "Kamerstukken I 2019/20, 35 300, C"                 -> kst-35300-C
    "Kamerstukken 29 279, nrs. 10 en 12"                -> kst-29279-10, kst-29279-12
    "Handelingen II 2019/20, nr. 45, item 7"            -> h-tk-20192020-45-7   (Handelingen I -> h-ek-...)
    "Aanhangsel Handelingen II 2019/20, nr. 2345"       -> ah-tk-20192020-2345

Only numbers introduced by a keyword (Kamerstuk(ken), TK/EK, kst-, Handelingen) or written with "nr." are read as
citations, so amounts ("35 300 euro"), phone numbers, postcodes and dates are never hits.

Footnotes: `find_references(text, footnotes)` also reads the footnote texts; such references carry
via="footnote" and the character offsets of the footnote MARK in `text` (-1 when the mark cannot be found).
Pure functions, compiled patterns, no I/O.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Optional

from kamerstukken.models import Reference

__all__ = ["find_references", "canonical_kst", "canonical_handelingen", "parse_id", "refs_from_extref",
           "locate_marks", "SUPERSCRIPTS"]

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_FROM_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

_SP = r"[ \u00a0\u202f]"                 # a space inside a number ("35 300")
_DOS = rf"(?P<dos>\d{{2}}{_SP}?\d{{3}})(?!\d)"
_ROMAN = r"(?:X{0,3}(?:IX|IV|V?I{0,3})[A-F]?)"
# a toevoeging: roman numeral (budget chapters, optionally with a letter: IXB), capital letter(s) (A, B), or a
# numeric sub-dossier (21501-32). Roman/letters may follow a space or a dash; numbers only a dash.
_TOEV = (rf"(?:{_SP}*[-–]{_SP}*(?P<tnum>\d{{1,3}})(?![\d])"
         rf"|(?:{_SP}+|{_SP}*[-–]{_SP}*)(?P<tlet>(?!{_SP})(?:{_ROMAN}|[A-Z]{{1,2}}))(?![\w]))")
_R_CODE = rf"(?:{_SP}*\(R{_SP}?\d{{4}}\))?"
_NR_ITEM = rf"\d{{1,5}}(?![\d])(?!{_SP}\d{{3}}(?!\d))"
_NRLIST = (rf"(?P<nrs>{_NR_ITEM}(?:(?:{_SP}*,{_SP}*|{_SP}+(?:en|t/m|tot en met|&){_SP}+|{_SP}*[-–]{_SP}*)"
           rf"(?:nr\.?{_SP}*)?{_NR_ITEM})*)")
_NRWORD = r"(?:nrs?\.?|nummers?)"

# "35 300 VII, nr. 20", "21 501-32, nr. 1740", "36600-B, nr.21", "29 279, nrs. 10 en 12"
_FORM_NR = rf"{_DOS}(?:{_TOEV})?{_R_CODE}{_SP}*,?{_SP}*{_NRWORD}{_SP}*{_NRLIST}"
# "21501-32-1740", "30111-108", "36410-VIII-56" (compact, dash-separated)
_FORM_DASH = (rf"(?P<ddos>\d{{5}}|\d{{2}}{_SP}\d{{3}})(?:-(?P<dsub>\d{{1,3}}|{_ROMAN}|[A-Z]{{1,2}})|{_SP}(?P<dsub2>(?!{_SP}){_ROMAN}|[A-Z]{{1,2}}))?"
              rf"-(?P<dnr>\d{{1,5}}|[A-Z]{{1,3}})"
              rf"(?![\w-])")
# "35 300, C" (Eerste Kamer letter numbers); only after a keyword
_FORM_LETTER = rf"{_DOS}(?:{_TOEV})?{_SP}*,{_SP}*(?P<let>[A-Z]{{1,3}})(?![\w])"

_YEAR = rf"(?:\d{{4}}{_SP}?[/–-]{_SP}?\d{{2,4}})"
_KW = (rf"(?:(?P<kw>Kamerstukken|Kamerstuk|Kamerst\.|Kst\.?|TK|EK)(?:{_SP}+(?P<kamer>II|I))?"
       rf"(?:{_SP}+(?:vergaderjaar{_SP}+)?{_YEAR})?{_SP}*,?{_SP}*)")

_KW_REF_RE = re.compile(rf"{_KW}(?:{_FORM_NR}|{_FORM_DASH})")
_KW_LETTER_RE = re.compile(rf"{_KW}{_FORM_LETTER}")
_BARE_NR_RE = re.compile(rf"(?<![\w/-]){_FORM_NR}")
_CONT_RE = re.compile(
    rf"(?:{_SP}*[;,]{_SP}*|{_SP}*,?{_SP}+(?:en|resp\.|respectievelijk|of){_SP}+)(?:(?:bijlage{_SP}+bij{_SP}+)?{_KW})?"
    rf"(?:{_FORM_NR}|{_FORM_DASH})")
_KST_ID_RE = re.compile(r"(?<![\w-])kst-(\d{5})(?:-([A-Za-z0-9]{1,6}))?-(\d{1,5}|[A-Z]{1,3})(?![\w-])")
_HAND_RE = re.compile(
    rf"(?P<ah>Aanhangsel{_SP}+(?:(?:van{_SP}+)?de{_SP}+)?)?Handelingen{_SP}+(?P<kamer>II|I|TK|EK)"
    rf"{_SP}+(?P<y1>\d{{4}}){_SP}?[/–-]{_SP}?(?P<y2>\d{{2,4}}){_SP}*,?{_SP}*nr\.?{_SP}*(?P<nr>\d{{1,4}})"
    rf"(?:{_SP}*,{_SP}*(?:item|punt){_SP}*(?P<item>\d{{1,3}}))?")
_H_ID_RE = re.compile(r"(?<![\w-])(a?h)-(tk|ek)-(\d{8})-(\d{1,5})(?:-(\d{1,3}))?(?![\w-])")
_PREFILTER_RE = re.compile(r"Kamerst|Kst|TK|EK|kst-|Handelingen|h-[te]k-|nrs?\.?\s*\d", re.I)


def _nodig(s: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]", "", s)


def canonical_kst(dossier: str, toevoeging: Optional[str], nr: str) -> str:
    """canonical_kst("35 300", "VII", "20") -> "kst-35300-VII-20"; toevoeging None/"" is left out."""
    d = _nodig(str(dossier))
    parts = ["kst", d]
    t = _nodig(toevoeging or "").strip("-–")
    if t:
        parts.append(t.upper() if not t.isdigit() else t)
    n = _nodig(str(nr)).strip("-–")
    if n:
        parts.append(n.upper() if not n.isdigit() else str(int(n)))
    return "-".join(parts)


def _vj(y1: str, y2: str) -> str:
    y2 = y2 if len(y2) == 4 else y1[:2] + y2
    if len(y2) == 4 and int(y2) < int(y1):  # 1999/00
        y2 = str(int(y1) + 1)
    return y1 + y2


def canonical_handelingen(kamer: str, y1: str, y2: str, nr: str, item: Optional[str] = None, aanhangsel=False) -> str:
    k = "ek" if kamer.upper() in ("I", "EK") else "tk"
    out = f"{'ah' if aanhangsel else 'h'}-{k}-{_vj(y1, y2)}-{int(nr)}"
    return out + (f"-{int(item)}" if item and not aanhangsel else "")


def parse_id(id: str) -> dict:
    """Split a canonical id: kst-35300-VII-20 -> {type: kst, dossier: 35300, toevoeging: VII, nr: 20};
    h-tk-20192020-45-7 -> {type: handelingen, kamer: tk, vergaderjaar: 2019-2020, nr: 45, item: 7}.
    Returns {} for anything else."""
    s = (id or "").strip()
    m = _KST_ID_RE.fullmatch(s)
    if m:
        return {"type": "kst", "dossier": m.group(1), "toevoeging": m.group(2), "nr": m.group(3),
                "dossier_full": m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")}
    m = _H_ID_RE.fullmatch(s)
    if m:
        vj = m.group(3)
        return {"type": "handelingen" if m.group(1) == "h" else "aanhangsel", "kamer": m.group(2),
                "vergaderjaar": f"{vj[:4]}-{vj[4:]}", "nr": m.group(4), "item": m.group(5)}
    return {}


def refs_from_extref(doc_attr: str) -> str:
    """Normalise an <extref doc="..."> target: "kst-28844-261", "KST-28844-261.html", a full URL, or
    "kst-35300-vii-20" -> canonical id; returns "" when it is not a Kamerstuk/Handelingen id."""
    s = (doc_attr or "").strip()
    s = s.rsplit("/", 1)[-1] if "/" in s and not s.lower().startswith(("kst-", "h-", "ah-")) else s
    s = re.sub(r"\.(?:html?|xml|pdf)$", "", s, flags=re.I)
    s = re.sub(r"^(kst|h|ah)-", lambda m: m.group(1).lower() + "-", s, flags=re.I)
    m = re.fullmatch(r"kst-(\d{5})(?:-([A-Za-z0-9]{1,6}))?-(\d{1,5}|[A-Za-z]{1,3})", s)
    if m:
        return canonical_kst(m.group(1), m.group(2), m.group(3))
    m = re.fullmatch(r"(a?h)-(tk|ek)-(\d{8})-(\d{1,5})(?:-(\d{1,3}))?", s, flags=re.I)
    if m:
        return "-".join(p for p in (m.group(1).lower(), m.group(2).lower(), m.group(3), str(int(m.group(4))),
                                    str(int(m.group(5))) if m.group(5) else None) if p)
    return ""


def _split_nrs(nrs: str) -> list[str]:
    out: list[str] = []
    for piece in re.split(r"\s*(?:,|\ben\b|&)\s*", nrs):
        piece = re.sub(r"nr\.?\s*", "", piece).strip()
        rng = re.fullmatch(r"(\d+)\s*(?:[-–]|t/m|tot en met)\s*(\d+)", piece)
        if rng:
            a, b = int(rng.group(1)), int(rng.group(2))
            if 0 <= b - a <= 20:
                out.extend(str(i) for i in range(a, b + 1))
                continue
            out.extend([str(a), str(b)])
            continue
        for p in re.split(r"\s*(?:t/m|tot en met)\s*", piece):
            if p.strip().isdigit():
                out.append(p.strip())
    return out


def _ids_from_match(m: re.Match) -> list[str]:
    g = m.groupdict()
    if g.get("ddos"):
        return [canonical_kst(g["ddos"], g.get("dsub") or g.get("dsub2"), g["dnr"])]
    dos = g.get("dos")
    if not dos:
        return []
    toev = g.get("tnum") or g.get("tlet")
    if g.get("let"):
        return [canonical_kst(dos, toev, g["let"])]
    if g.get("nrs"):
        return [canonical_kst(dos, toev, n) for n in _split_nrs(g["nrs"])]
    return []


def _scan(text: str, base: int = 0) -> list[tuple[int, int, str, str]]:
    """(start, end, matched text, id) for every citation in `text`, in order."""
    if not _PREFILTER_RE.search(text):
        return []
    hits: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def free(s, e):
        # taken spans never overlap each other: check the neighbours of s in start order
        i = bisect.bisect_right(taken, (s, float("inf")))
        if i > 0 and taken[i - 1][1] > s:
            return False
        return not (i < len(taken) and taken[i][0] < e)

    # each of these patterns (case-sensitive) needs a literal word: skipped when the text lacks it
    for m in (_HAND_RE.finditer(text) if "Handelingen" in text else ()):
        hid = canonical_handelingen(m.group("kamer"), m.group("y1"), m.group("y2"), m.group("nr"),
                                    m.group("item"), aanhangsel=bool(m.group("ah")))
        hits.append((m.start(), m.end(), m.group(0), hid))
        bisect.insort(taken, (m.start(), m.end()))
    for m in (_H_ID_RE.finditer(text) if ("h-tk-" in text or "h-ek-" in text) else ()):
        if free(m.start(), m.end()):
            hits.append((m.start(), m.end(), m.group(0), refs_from_extref(m.group(0))))
            bisect.insort(taken, (m.start(), m.end()))
    for m in (_KST_ID_RE.finditer(text) if "kst-" in text else ()):
        if free(m.start(), m.end()):
            hits.append((m.start(), m.end(), m.group(0), refs_from_extref(m.group(0))))
            bisect.insort(taken, (m.start(), m.end()))
    kw_matches = list(_KW_REF_RE.finditer(text))
    kw_starts = [k.start() for k in kw_matches]

    def clear_of_kw(m):
        i = bisect.bisect_right(kw_starts, m.start())
        if i > 0 and kw_matches[i - 1].end() > m.start():
            return False
        return not (i < len(kw_matches) and kw_matches[i].start() < m.end())

    kw_matches += [m for m in _KW_LETTER_RE.finditer(text) if clear_of_kw(m)]
    kw_matches.sort(key=lambda m: m.start())
    for m in kw_matches:
        if not free(m.start(), m.end()):
            continue
        ids = _ids_from_match(m)
        end = m.end()
        for i in ids:
            hits.append((m.start(), end, m.group(0), i))
        bisect.insort(taken, (m.start(), end))
        # continuation: "Kamerstuk 28 844, nr. 261 en 28 844, nr. 266", "...; 29 279, nr. 12"
        while True:
            c = _CONT_RE.match(text, end)
            if not c:
                break
            cids = _ids_from_match(c)
            if not cids:
                break
            s0 = c.start() + re.match(r"[\s;,]*(?:(?:en|resp\.|respectievelijk|of)\s+)?", c.group(0)).end()
            for i in cids:
                hits.append((s0, c.end(), text[s0:c.end()], i))
            bisect.insort(taken, (c.start(), c.end()))
            end = c.end()
    for m in _BARE_NR_RE.finditer(text):
        if free(m.start(), m.end()):
            for i in _ids_from_match(m):
                hits.append((m.start(), m.end(), m.group(0), i))
            bisect.insort(taken, (m.start(), m.end()))
    hits.sort(key=lambda h: (h[0], h[1]))
    return [(s + base, e + base, t, i) for s, e, t, i in hits if i]


# ------------------------------------------------------------------ footnote marks

def _mark_variants(mark: str) -> list[str]:
    m = mark.strip()
    digits = m.translate(_FROM_SUP)
    out = [m]
    if digits.isdigit():
        for v in (digits, digits.translate(SUPERSCRIPTS)):
            if v not in out:
                out.append(v)
    return out


def locate_marks(text: str, marks) -> dict[str, tuple[int, int]]:
    """Offsets of each footnote mark in `text`: glued to a word ("Molen¹", "Molen1", "bestuur2", "afgedaan.3"),
    or written as "<sup>1</sup>" / "[1]". Marks that cannot be found are left out. Several marks are matched in
    numeric order, each after the previous one when possible."""
    found: dict[str, tuple[int, int]] = {}
    for mark in marks:
        best = None
        for v in _mark_variants(mark):
            esc = re.escape(v)
            if v.isdigit():
                pats = [rf"<sup>\s*{esc}\s*</sup>", rf"\[{esc}\]",
                        rf"(?<=[a-zà-ÿ\)\.,;:’'\"»”*])(?<!\bnr\.)(?<!\bnrs\.){esc}(?!\d)(?![.,]\d)",
                        rf"(?<=[A-ZÀ-Þ]){esc}(?!\d)(?=[\s.,;:)])"]
            else:
                pats = [esc]
            for p in pats:
                mm = re.search(p, text)
                if mm:
                    best = (mm.start(), mm.end())
                    break
            if best:
                break
        if best:
            found[mark] = best
    return found


@lru_cache(maxsize=16)   # a text is scanned by references, motions and the footnote pass: found once
def _scan_cached(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """_scan(text), remembered for the last few texts: the extraction stage scans one text twice (its references,
    then the motion mentions' references). Immutable tuples: every caller builds its own Reference objects."""
    return tuple(_scan(text))


def find_references(text: str, footnotes: Optional[dict[str, str]] = None) -> list[Reference]:
    """Every Kamerstuk / Handelingen citation in `text` (via="text") and in the footnote texts
    (via="footnote", offsets of the footnote mark in `text`)."""
    refs = [Reference(text=t, id=i, char_start=s, char_end=e, via="text") for s, e, t, i in _scan_cached(text or "")]
    if footnotes:
        pos = locate_marks(text or "", footnotes.keys())
        for mark, ftext in footnotes.items():
            s, e = pos.get(mark, (-1, -1))
            for _, _, t, i in _scan_cached(ftext or ""):
                refs.append(Reference(text=t, id=i, char_start=s, char_end=e, via="footnote"))
    return refs
