"""Find deadline phrases in Dutch parliamentary text and resolve them to `[start, end]` intervals.

The conventions are those of `spec/deadlines.md`: a phrase is a chain of prepositions ("nog voor",
"uiterlijk in", "direct na") followed by a calendar expression (a day, a month, a quarter, a half year, a
year, a season, a recess, a budget event) or a vague/relative period ("binnen vier weken", "binnenkort",
"in de komende maanden"). The preposition decides the kind (by | in | after | within | vague); the anchor
date D (the date of the document) picks the year where the phrase names none: the first occurrence that is
not in the past.

What is not a deadline is filtered with general cues, not sentence lists:
- prepositions that mark event dates, starts and expiries: "op", "per", "sinds", "vanaf", "van", "tot",
  "over" (a reference period), "uit", "met ingang van";
- bare dates without a preposition (the letter's date, "(maart 2025)", "Vergaderjaar 2019-2020");
- compound budget names ("begroting 2024", "BuHa-OS-begroting 2024"), "voor 2030" after nouns ("doelen voor 2030");
- tense: a sentence with past markers ("heeft", "werd", "jl.", "is … opgeleverd") and no future marker
  ("zal", "verwacht", "te informeren", "verzoekt") holds a past event, not a deadline;
- explicit dates in the past for kinds other than `by` (a `by` date quoted from an earlier motion stays a
  deadline: "de Kamer daarover vóór 1 maart 2020 te informeren").

Public API: `find_deadlines(text, anchor)`, `resolve_phrase(phrase, anchor)`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from kamerstukken.models import Deadline
from kamerstukken.nlp import calendar as parl
from kamerstukken.nlp.sentences import safe_lower
from kamerstukken.parse.common import MONTHS  # the one month map of the package

# ---------------------------------------------------------------- vocabulary

_MONTH_RE = "|".join(MONTHS)

NUMBERS = {"een": 1, "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
           "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
           "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20,
           "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "negentig": 90, "honderd": 100}
_NUM_WORD = "|".join(sorted(NUMBERS, key=len, reverse=True))
_NUM = rf"(?:\d{{1,3}}|{_NUM_WORD}|anderhalve|anderhalf|een\s+half|een\s+halve)"
_NUM_RANGE = rf"{_NUM}(?:\s*(?:-|–|à|a|tot)\s*{_NUM})?"

ORDINALS = {"eerste": 1, "1e": 1, "tweede": 2, "2e": 2, "derde": 3, "3e": 3, "vierde": 4, "4e": 4, "laatste": 4}

_YEAR = r"(?<![\d/–])(?<!\d-)(?:19|20)\d\d(?:[1-9](?=[.,;:)]))?(?![\d/–])(?!-\d)"
_REL_YEAR = (r"(?:dit|het|volgend|volgende|komend|komende|aankomend|aankomende|lopend|lopende|vorig|vorige)"
             r"\s+(?:kalender)?jaar|het\s+(?:lopende|komende|volgende|huidige)\s+(?:kalender)?jaar|dit\s+jaar")
_YEARREF = rf"(?:{_YEAR}|{_REL_YEAR})"

_QUAL = (r"(?:(?:het|de)\s+(?:komende|aankomende|volgende|eerstvolgende|eerstkomende)|"
         r"het|de|deze|dit|komend|komende|aankomend|aankomende|volgend|volgende|eerstvolgende|eerstkomende)")

# prepositions (and their modifiers) that may precede a time expression
_PREP_WORDS = (r"nog|ook|al|pas|direct|meteen|kort|ruim|liefst|bij\s+voorkeur|in\s+ieder\s+geval|"
               r"uiterlijk|ten\s+laatste|niet\s+later\s+dan|voorafgaand(?:e)?\s+aan|vóór|voor|"
               r"in\s+de\s+loop\s+van|in|rond|rondom|omstreeks|tijdens|gedurende|na|met\s+ingang\s+van|met|bij|"
               r"aan|op|per|sinds|vanaf|van|tot\s+en\s+met|tot|t/m|over|uit|d\.d\.")
_PREFIX = rf"(?P<prefix>(?:\b(?:{_PREP_WORDS})\s+)*)"

_PART = r"(?P<part>(?:(?:het|de)\s+)?(?:begin|eind|einde|midden|medio|ultimo|halverwege)(?:\s+van)?|half)\s+"

_WEEKDAY = r"(?:(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)\s+)?"

# calendar expressions share one optional lead: a part ("eind", "het begin van") and a qualifier ("deze", "het komende")
_CALENDAR = "|".join([
    # a day
    rf"{_WEEKDAY}(?P<day>\d{{1,2}})\s+(?P<dmon>{_MONTH_RE})\b(?:\s+(?P<dyear>{_YEAR}))?",
    # a (part of a) month, or a range "maart/april"
    rf"(?P<mon>{_MONTH_RE})(?:(?:\s*(?:/|-|–)\s*|\s+(?:en|of|tot|t/m)\s+)(?P<mon2>{_MONTH_RE}))?\b(?:\s+(?:van\s+)?(?P<myear>{_YEARREF}))?",
    # quarters and halves
    rf"(?P<qord>eerste|tweede|derde|vierde|laatste|1e|2e|3e|4e)\s+kwartaal\b(?:\s+(?:van\s+)?(?P<qyear>{_YEARREF}))?",
    r"\bQ(?P<qnum>[1-4])(?:\s*(?:van\s+|-\s*|/\s*)?(?P<qyear2>(?:19|20)\d\d)(?![\d/–]))?\b",
    rf"(?P<hord>eerste|tweede)\s+(?:helft|halfjaar|half\s+jaar)\b(?:\s+(?:van\s+)?(?P<hyear>{_YEARREF}))?",
    # seasons
    rf"(?P<season>voorjaar|lente|zomer|najaar|herfst|winter)\b(?:\s+(?:van\s+)?(?P<syear>{_YEARREF}))?",
    # recesses and holidays
    r"(?P<recess>zomerreces|zomervakantie|kerstreces|kerstvakantie|kerstmis|kerst|"
    rf"herfstreces|voorjaarsreces|krokusreces|meireces|jaarwisseling)\b(?:\s+(?:van\s+)?(?P<ryear>{_YEARREF}))?",
    # budget cycle events
    r"(?<![\w-])(?P<event>prinsjesdag|miljoenennota|voorjaarsnota|eerste\s+suppletoire\s+begroting(?:en)?|verantwoordingsdag|"
    r"(?:[\w]+-)*begrotingsbehandeling(?:en)?|behandeling\s+van\s+de\s+(?:[\w]+-)*begroting|(?:ontwerp)?begroting)\b"
    rf"(?:\s+(?:(?:van|voor)\s+(?:het\s+jaar\s+)?)?(?P<eyear>{_YEARREF}))?",
    # a (part of a) year
    rf"(?P<year>{_YEARREF})\b",
])

_CORE = "|".join([
    # within / over a period
    rf"(?P<within>binnen|over)\s+(?:(?:een|de)\s+(?:termijn|periode)\s+van\s+)?(?P<wn>{_NUM_RANGE})\s+(?P<wu>werkdagen|dagen|dag|weken|week|maanden|maand|jaar|jaren|kwartaal|halfjaar)\b",
    # vague
    r"(?P<vague>eerdaags|binnenkort|spoedig|op\s+(?:zeer\s+|zo\s+)?korte\s+termijn|"
    r"op\s+(?:de\s+)?kortst\s+mogelijke\s+termijn|"
    r"zo\s+(?:snel|spoedig|vlot)\s+(?:als\s+)?(?:mogelijk|(?:het|dat)\s+kan)|zsm|(?P<comingyear>het\s+komende?\s+jaar)|"
    rf"(?:de\s+)?komende\s+(?:(?P<vn>{_NUM})\s+)?(?P<vu>weken|maanden|dagen|week|maand))\b",
    # relative weeks and months
    r"(?P<relper>deze|volgende|komende)\s+(?P<relunit>week|maand)\b",
    rf"(?:{_PART})?(?:(?P<qual>{_QUAL})\s+)?(?:{_CALENDAR})",
])

_SEARCH = re.compile(rf"(?<![\w/-]){_PREFIX}(?P<core>{_CORE})", re.I)

# every time expression contains one of these words; the full pattern is only tried just before them
TRIGGER = re.compile(
    rf"(?<!\w)(?:{_MONTH_RE}|(?:19|20)\d\d|q[1-4]|kwartaal|helft|halfjaar|voorjaar|lente|zomer|najaar|herfst|winter|"
    r"zomerreces|zomervakantie|kerstreces|kerstvakantie|kerstmis|kerst|herfstreces|voorjaarsreces|krokusreces|meireces|"
    r"jaarwisseling|prinsjesdag|miljoenennota|voorjaarsnota|verantwoordingsdag|begroting\w*|eerdaags|binnenkort|"
    r"spoedig|termijn|zsm|(?P<snel>snel|vlot)|(?P<unit>(?:kalender)?jaar|jaren|week|weken|maand|maanden|dag|dagen|werkdagen))"
    r"(?!\w)", re.I)
# a unit word ("weken", "jaar") only starts a time expression after one of these words
_ZO = re.compile(r"\bzo\s+$", re.I)
_UNIT_CUE = re.compile(r"\b(?:binnen|over|komende?|deze|dit|volgende?|aankomende?|vorige?|lopende?|het|huidige|half|"
                       r"eind|einde|begin|midden)\b", re.I)

# cheap prefilter: a text without any of these cannot hold a deadline
PREFILTER = re.compile(
    rf"\d|{_MONTH_RE}|jaar|zomer|najaar|voorjaar|lente|herfst|winter|reces|kerst|prinsjesdag|nota\b|begroting|"
    r"verantwoordingsdag|kwartaal|helft|eerdaags|binnenkort|spoedig|termijn|mogelijk|zsm|komende|binnen|week|weken|dagen|maand",
    re.I)

_PAST = re.compile(
    r"\b(?:heb|hebt|heeft|hebben|had|hadden|was|waren|werd|werden|vond|vonden|plaatsgevonden|destijds|jl\b\.?|j\.l\.|"
    r"afgelopen|geweest|toen)\b|\b(?:is|zijn|ben|bent)\s+(?:\S+\s+){0,6}?(?:\w*ge\w+[dt]|\w*(?:afgesproken|besproken|"
    r"gebleken|ontvangen|genomen|verschenen|gesproken|geschreven|gezonden|verzonden|aangenomen|ingediend|gebeurd))\b", re.I)
_FUTURE = re.compile(
    r"\b(?:zal|zullen|zult|zou|zouden|ga|gaat|gaan|wil|wilt|willen|verwacht|verwachten|verwachte|voornemen\w*|streef|streven|"
    r"beoog\w*|verzoek\w*|verzocht|vraagt|vragen|roept|moet|moeten|dient|dienen|kom|komt|komen|wordt|worden|"
    r"gepland|plan|planning|voorzien|aanstaande|zeg\w*\s+toe|"
    # present tense for a coming delivery: "dit najaar stuur ik u", "uw Kamer ontvangt voor de zomer"
    r"stuur|informeer|ontvangt|publiceer|presenteer|rapporteer|verschijnt)\b|\bte\s+(?:\w+\s+)?\w+en\b",
    re.I)

# "voor 2025" is "before 2025" after an adverbial slot (pronoun, adverb, auxiliary, comma), not after a noun
_VOOR_YEAR_BEFORE = re.compile(
    r"(?:^|[,;:(–-]|\b(?:dit|dat|deze|die|hier\w*|daar\w*|er|kamer|regering|kabinet|minister|staatssecretaris|om|en|of|"
    r"zo|mogelijk|graag|ook|wel|dan|wordt|worden|zal|zullen|moet|moeten|kan|kunnen|wil|willen|uiterlijk|nog|al|"
    r"ruim|liefst|bij\s+voorkeur|in\s+ieder\s+geval|ik|wij|we|het|ze|zij|hij|u|uw\s+kamer))\s*$", re.I)
_TE_AFTER = re.compile(r"(?:\s+[\w-]+){0,6}?\s+te\s+\w+", re.I)
# a motion's considerations describe the situation; its deadlines stand in the dictum ("verzoekt ...")
_CONSIDERATION = re.compile(
    r"(?:^|\n|beraadslaging,)\s*(?:[-–•*]\s*)?(?:constaterende|overwegende|van\s+mening|van\s+oordeel|gelet\s+op|"
    r"gezien|in\s+aanmerking\s+nemende|wijzende|erkennende|vaststellende|concluderende|zich\s+realiserende|"
    r"benadrukkende|onderschrijvende|overwegend)\b", re.I)
_DICTUM = re.compile(r"\b(?:verzoekt|verzoeken|roept|spreekt\s+uit|draagt|besluit|vraagt)\b", re.I)
# the debate a delivery must precede, with its date after it: "ruimschoots voorafgaand aan het Wetgevingsoverleg
# over de Jaarverslagen ... op 20 juni", "voor het commissiedebat Asiel van 12 maart"
_BEFORE_EVENT = re.compile(
    r"\b(?:vóór|voor|voorafgaand(?:e)?\s+aan|ruim(?:schoots)?\s+voor)\s+(?:het|de)\s+(?:[\w-]+\s+){0,2}?[\w-]*"
    r"(?:debat|overleg|behandeling|stemmingen|stemming|hoorzitting|rondetafelgesprek)\b[^.;:]{0,120}$", re.I)
_YEAR_SPAN = re.compile(r"\s*(?:en|of|tot(?:\s+en\s+met)?|t/m|–|-)\s*(?:19|20)\d\d\b", re.I)
_PAST_LEAD = re.compile(r"\b(?:eerder|afgelopen|vorige?|jongstleden)\s+$", re.I)
_AFTER_EVENT = re.compile(r"\s+(?:na|nadat|vanaf|vanuit)\b", re.I)
# "de begin deze maand aangekondigde ...": a time phrase before an attributive past participle
_ATTRIBUTIVE = re.compile(r"\s+\w*ge\w+de\b", re.I)

_REJECT_PREPS = {"op", "per", "sinds", "vanaf", "van", "tot", "tot en met", "t/m", "over", "uit", "d.d.",
                 "met ingang van"}
_MODIFIERS = {"nog", "ook", "al", "pas", "direct", "meteen", "kort", "ruim", "liefst", "bij voorkeur",
              "in ieder geval"}
_PREP_SPLIT = re.compile(rf"\b({_PREP_WORDS})\b", re.I)


# ---------------------------------------------------------------- date helpers

def _last_day(y: int, m: int) -> int:
    return (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    return date(y, m + 1, min(d.day, _last_day(y, m + 1)))


def add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # Feb 29
        return d.replace(year=d.year + n, day=28)


def _num(s: str) -> Optional[float]:
    s = s.lower().strip()
    if s.isdigit():
        return float(s)
    if s in ("anderhalf", "anderhalve"):
        return 1.5
    if re.fullmatch(r"een\s+hal(?:f|ve)", s):
        return 0.5
    return float(NUMBERS[s]) if s in NUMBERS else None


def _num_upper(s: str) -> Optional[float]:
    parts = re.split(r"\s*(?:-|–|à|\ba\b|\btot\b)\s*", s.strip())
    vals = [_num(p) for p in parts if p]
    vals = [v for v in vals if v is not None]
    return max(vals) if vals else None


def _add_period(d: date, n: float, unit: str) -> date:
    unit = unit.lower()
    if unit.startswith("werkdag"):
        return d + timedelta(days=round(n * 7 / 5))
    if unit.startswith("dag"):
        return d + timedelta(days=round(n))
    if unit.startswith("week") or unit.startswith("weken"):
        return d + timedelta(days=round(7 * n))
    if unit.startswith("maand"):
        whole = int(n)
        r = add_months(d, whole)
        return r + timedelta(days=round((n - whole) * 30))
    if unit == "kwartaal":
        return add_months(d, round(3 * n))
    if unit == "halfjaar":
        return add_months(d, round(6 * n))
    # jaar / jaren
    whole = int(n)
    r = add_years(d, whole)
    return add_months(r, round((n - whole) * 12))


# ---------------------------------------------------------------- resolution

@dataclass
class _Parsed:
    kind: str                   # by | in | after | within | vague
    start: Optional[date]
    end: Optional[date]
    explicit_year: bool
    bare: bool                  # no governing preposition


def _prefix_words(prefix: str) -> list[str]:
    return [re.sub(r"\s+", " ", w.lower()) for w in _PREP_SPLIT.findall(prefix)]


def _year_of(ref: Optional[str], anchor: Optional[date]) -> tuple[Optional[int], bool, bool]:
    """(year, explicit, needs_anchor_but_missing). `ref` is a year or a relative year phrase."""
    if not ref:
        return None, False, False
    r = re.sub(r"\s+", " ", ref.lower())
    if r[:2] in ("19", "20") and r[:4].isdigit():
        return int(r[:4]), True, False
    if anchor is None:
        return None, False, True
    if r.startswith(("volgend", "komend", "aankomend", "het komende", "het volgende")):
        return anchor.year + 1, False, False
    if r.startswith(("vorig",)):
        return anchor.year - 1, False, False
    return anchor.year, False, False


def _apply_part(part: Optional[str], s: date, e: date, unit: str) -> tuple[date, date]:
    if not part:
        return s, e
    p = part.lower()
    if "begin" in p:
        tag = "begin"
    elif "eind" in p or "ultimo" in p:
        tag = "eind"
    else:
        tag = "medio"
    if unit == "month":
        if tag == "begin":
            return s, s.replace(day=10)
        if tag == "medio":
            return s.replace(day=11), s.replace(day=20)
        return s.replace(day=21), e
    if unit == "year":
        y = s.year
        if tag == "begin":
            return date(y, 1, 1), date(y, 3, 31)
        if tag == "medio":
            return date(y, 6, 1), date(y, 7, 31)
        return date(y, 12, 1), date(y, 12, 31)
    if unit in ("day", "event"):
        return s, e
    # season, quarter, half, recess: first / middle / last month
    if tag == "begin":
        return s, date(s.year, s.month, _last_day(s.year, s.month))
    if tag == "eind":
        return date(e.year, e.month, 1), e
    mid = add_months(date(s.year, s.month, 1), ((e.year - s.year) * 12 + e.month - s.month) // 2)
    return mid, date(mid.year, mid.month, _last_day(mid.year, mid.month))


_SEASONS = {"voorjaar": (3, 5), "lente": (3, 5), "zomer": (6, 8), "najaar": (9, 11), "herfst": (9, 11),
            "winter": (12, 2)}


def _period(g: dict, y: int) -> tuple[date, date, str, str]:
    """(start, end, unit, name) of the calendar expression in group dict `g` for year `y`. Raises ValueError."""
    if g.get("day"):
        m = MONTHS[g["dmon"].lower()]
        d = date(y, m, int(g["day"]))
        return d, d, "day", "day"
    if g.get("mon"):
        m = MONTHS[g["mon"].lower()]
        m2 = MONTHS[g["mon2"].lower()] if g.get("mon2") else m
        y2 = y + (m2 < m)
        return date(y, m, 1), date(y2, m2, _last_day(y2, m2)), "month", "month"
    if g.get("qord") or g.get("qnum"):
        q = int(g["qnum"]) if g.get("qnum") else ORDINALS[g["qord"].lower()]
        m0 = 3 * (q - 1) + 1
        return date(y, m0, 1), date(y, m0 + 2, _last_day(y, m0 + 2)), "quarter", "quarter"
    if g.get("hord"):
        if g["hord"].lower() == "eerste":
            return date(y, 1, 1), date(y, 6, 30), "half", "half"
        return date(y, 7, 1), date(y, 12, 31), "half", "half"
    if g.get("season"):
        name = g["season"].lower()
        a, b = _SEASONS[name]
        if name == "winter":
            return date(y, 12, 1), date(y + 1, 2, _last_day(y + 1, 2)), "season", "winter"
        return date(y, a, 1), date(y, b, _last_day(y, b)), "season", "zomer" if name == "zomer" else name
    if g.get("recess"):
        name = g["recess"].lower()
        if name in ("zomerreces", "zomervakantie"):
            s, e = parl.summer_recess_or_fallback(y)
            return s, e, "recess", "zomerreces"
        if name.startswith("kerst"):
            s, e = parl.christmas_recess_or_fallback(y)
            return s, e, "recess", "kerstreces"
        if name == "jaarwisseling":
            d = date(y + 1, 1, 1)
            return d, d, "day", "jaarwisseling"
        s, e = parl.minor_recess(name, y)
        return s, e, "recess", name
    if g.get("event"):
        name = re.sub(r"\s+", " ", g["event"].lower())
        if "behandeling" in name:
            d = parl.begrotingsbehandeling(y)
            return d, d, "event", "begrotingsbehandeling"
        if name == "prinsjesdag" or name == "miljoenennota" or name.startswith(("begroting", "ontwerpbegroting")):
            d = parl.prinsjesdag(y)
            return d, d, "event", "prinsjesdag"
        if name == "voorjaarsnota" or name.startswith("eerste suppletoire"):
            # the first suppletoire begrotingen are the Voorjaarsnota's
            d = parl.voorjaarsnota(y)
            return d, d, "event", "voorjaarsnota"
        if name == "verantwoordingsdag":
            d = parl.verantwoordingsdag(y)
            return d, d, "event", "verantwoordingsdag"
        d = parl.begrotingsbehandeling(y)
        return d, d, "event", "begrotingsbehandeling"
    if g.get("year"):
        return date(y, 1, 1), date(y, 12, 31), "year", "year"
    raise ValueError("no period")


def _final(kind: str, how: str, g: dict, y: int, anchor: Optional[date]) -> tuple[Optional[date], date]:
    """(start, end) of the deadline for period year `y`."""
    s, e, unit, name = _period(g, y)
    part = g.get("part")
    ps, pe = _apply_part(part, s, e, unit)
    if kind == "in":
        return ps, pe
    if kind == "after":
        if name == "zomerreces":
            st = parl.after_summer_recess(y)
        elif name == "zomer":
            st = date(y, 9, 1)
        else:
            st = pe + timedelta(days=1)
        en = add_months(date(st.year, st.month, 1), 2)
        return st, date(en.year, en.month, _last_day(en.year, en.month))
    # by
    if how == "limit":       # uiterlijk, ten laatste, niet later dan: the period's last day
        end = pe
    elif unit == "event":    # voor/bij/met Prinsjesdag, de Voorjaarsnota, ...: the event's day
        end = ps
    elif part and re.search(r"eind|ultimo", part, re.I):
        end = pe
    elif part and not re.search(r"begin", part, re.I):   # medio: the middle of the period
        end = ps + (pe - ps) // 2
    elif name in ("zomer", "zomerreces") and not part:
        end = parl.before_summer_recess(y)
    elif name == "kerstreces":
        end = parl.before_christmas_recess(y)
    else:
        end = ps - timedelta(days=1)
    return anchor, end


def _resolve(g: dict, anchor: Optional[date]) -> Optional[_Parsed]:
    """A match's groups (with the context flags `_scan` adds) resolved against the anchor date."""

    words = _prefix_words(g.get("prefix") or "")
    preps = [w for w in words if w not in _MODIFIERS]
    last = preps[-1] if preps else None

    # ------------------------------------------------ vague and within
    if g.get("within"):
        n = _num_upper(g["wn"])
        if n is None or n <= 0:
            return None
        kind = "within" if g["within"].lower() == "binnen" else "vague"
        if last in _REJECT_PREPS:
            return None
        if anchor is None:
            return _Parsed(kind, None, None, False, False)
        return _Parsed(kind, anchor, _add_period(anchor, n, g["wu"]), False, False)
    if g.get("vague"):
        if last in _REJECT_PREPS - {"over"}:
            return None
        if anchor is None:
            return _Parsed("vague", None, None, False, False)
        unit = (g.get("vu") or "").lower()
        if g.get("comingyear"):
            end = add_years(anchor, 1)
        elif unit:
            n = _num(g["vn"]) if g.get("vn") else None
            if unit == "weken":
                end = _add_period(anchor, n, "weken") if n else anchor + timedelta(weeks=6)
            elif unit == "maanden":
                end = _add_period(anchor, n, "maanden") if n else add_months(anchor, 3)
            elif unit == "dagen":
                end = anchor + timedelta(days=int(n) if n else 7)
            elif unit == "week":
                end = anchor + timedelta(days=7)
            else:
                end = add_months(anchor, 1)
        else:
            end = anchor + timedelta(days=30)
        return _Parsed("vague", anchor, end, False, False)
    if g.get("relper"):
        if last not in ("voor", "vóór", "uiterlijk", "in de loop van"):
            return None   # "volgende week dinsdag vinden de stemmingen plaats": a schedule, not a deadline
        if anchor is None:
            return _Parsed("in", None, None, False, not preps)
        rel, unit = g["relper"].lower(), g["relunit"].lower()
        if unit == "week":
            monday = anchor - timedelta(days=anchor.weekday())
            if rel != "deze":
                monday += timedelta(days=7)
            s, e = monday, monday + timedelta(days=6)
        else:
            first = date(anchor.year, anchor.month, 1)
            if rel != "deze":
                first = add_months(first, 1)
            s, e = first, date(first.year, first.month, _last_day(first.year, first.month))
        if last in ("voor", "vóór"):
            return _Parsed("by", anchor, s - timedelta(days=1) if rel != "deze" else e, False, False)
        if last == "uiterlijk":
            return _Parsed("by", anchor, e, False, False)
        return _Parsed("in", max(s, anchor) if rel == "deze" else s, e, False, not preps)

    # ------------------------------------------------ calendar expressions
    if last in ("op", "per") and "uiterlijk" in words:
        last = "uiterlijk"             # "uiterlijk op 1 juli", "uiterlijk per 1 januari 2026"
    if last in _REJECT_PREPS:
        return None
    if last == "aan" and not (g.get("part") and re.search(r"van", g["part"], re.I)):
        return None
    is_event = bool(g.get("event"))
    event_name = (g.get("event") or "").lower()
    plain_begroting = bool(is_event and re.match(r"(?:ontwerp)?begroting$", event_name))
    how = ""
    if "uiterlijk" in words or "ten laatste" in words or "niet later dan" in words:
        kind, how = "by", "limit"
        if last in ("voor", "vóór") or any(w.startswith("voorafgaand") for w in words):
            how = "before"
    elif last in ("voor", "vóór") or (last or "").startswith("voorafgaand"):
        kind, how = "by", "before"
    elif last in ("met", "bij"):
        if not is_event:
            return None
        kind, how = "by", "event"
    elif last == "na":
        if not (g.get("season") or g.get("recess") or is_event):
            return None
        kind = "after"
    elif last in ("tijdens", "gedurende") and is_event:
        return None   # "tijdens de begrotingsbehandeling" names the debate where something was said
    elif last in ("in", "rond", "rondom", "omstreeks", "tijdens", "gedurende", "in de loop van", "aan"):
        kind = "in"
    elif last is None:
        kind = "in"
    else:
        return None
    bare = last is None and "uiterlijk" not in words

    # what may stand without a preposition
    if bare:
        ok = (g.get("part") or g.get("qual") and g["qual"].lower() not in ("het", "de")
              or g.get("hord") or (g.get("qord") or g.get("qnum")) and (g.get("qyear") or g.get("qyear2"))
              or (g.get("year") and not re.match(r"\d", g["year"])) or (g.get("season") and g.get("syear")))
        if not ok or g.get("day"):
            return None
    if g.get("day") and kind == "in" and last != "rond":
        return None   # "in 1 maart" does not occur; a bare day is an event date
    if plain_begroting and (how == "before" or (how != "event" and not g.get("eyear"))):
        return None   # "voor de begroting" = for the budget; "in de begroting" = in the budget
    if is_event and kind == "in":
        kind, how = "by", "event"
    # "voor 2030" / "voor dit jaar": ambiguous with "for"; only accented vóór counts, or a following infinitive
    if how == "before" and g.get("year") and not g.get("part") and "vóór" not in words:
        if not re.match(r"\d", g["year"]):
            return None
        if not g.get("_voor_year_ok"):
            return None
    # a relative year ("het jaar") only with a part ("het einde van het jaar")
    yref = g.get("dyear") or g.get("myear") or g.get("qyear") or g.get("qyear2") or g.get("hyear") \
        or g.get("syear") or g.get("ryear") or g.get("eyear") or g.get("year")
    if yref and re.fullmatch(r"het\s+(?:kalender)?jaar", yref.strip(), re.I) and not g.get("part"):
        return None

    y, explicit, missing = _year_of(yref, anchor)
    if plain_begroting and y is not None:
        y -= 1        # "de begroting voor 2026" is presented on Prinsjesdag 2025
        if anchor is not None and parl.prinsjesdag(y) < anchor:
            return None   # a budget already presented: a reference, not a deadline
    if y is not None and (y < 1900 or y > 2200):
        return None

    try:
        if y is not None:
            s, e = _final(kind, how, g, y, anchor)
            return _Parsed(kind, s, e, explicit, bare)
        if missing or anchor is None:
            # validate the expression itself (31 februari) with a leap year
            _period(g, 2024)
            return _Parsed(kind, None, None, False, bare)
        qual = re.sub(r"\s+", " ", (g.get("qual") or "").lower())
        qual = re.sub(r"^(?:het|de)\s+(?=\w)", "", qual) if " " in qual else qual
        for yy in range(anchor.year - 1, anchor.year + 3):
            try:
                s, e = _final(kind, how, g, yy, anchor)
                ps, pe, _, _ = _period(g, yy)
            except ValueError:
                continue
            if qual in ("deze", "dit"):
                # "dit voorjaar", "deze winter": the period of this year (or the one running now); in the past
                # it is a reference ("zoals dit voorjaar was beoogd"), not a deadline
                if ps <= anchor <= pe or ps.year == anchor.year:
                    return _Parsed(kind, s, e, False, bare) if pe >= anchor else None
                continue
            if qual.startswith(("komend", "aankomend", "volgend", "eerstvolgend", "eerstkomend")):
                if ps > anchor:
                    return _Parsed(kind, s, e, False, bare)
                continue
            if e >= anchor:
                return _Parsed(kind, s, e, False, bare)
        return None
    except ValueError:
        return None


def _iso(d: Optional[date]) -> Optional[str]:
    return d.isoformat() if d else None


def _to_deadline(text: str, a: int, b: int, p: _Parsed, anchor: Optional[date]) -> Deadline:
    start = p.start
    if p.kind == "by":
        start = anchor
        if start is not None and p.end is not None and start > p.end:
            start = p.end        # a quoted deadline already past: keep a valid interval
    return Deadline(text=text[a:b], kind=p.kind, start=_iso(start), end=_iso(p.end), char_start=a, char_end=b)


_CLAUSE_SEP = re.compile(r"[,;:()«»\u201c\u201d\u2013]|\s-\s|\b(?:om|en|maar|waarna|zodat|omdat|terwijl|nadat|dat|die|"
                         r"waarin|waarbij|waarmee|waarover|wat)\b", re.I)


def _tense(sent: str, s0: int, a: int, b: int) -> tuple[bool, bool, bool]:
    """(past, future) markers of the clause around text[a:b] in its sentence `sent` (which starts at s0), or of
    the sentence when the clause has none; and whether the clause itself has a future marker."""
    ra, rb = a - s0, b - s0
    seps = [m for m in _CLAUSE_SEP.finditer(sent)]
    lo = max((m.end() for m in seps if m.end() <= ra), default=0)
    hi = min((m.start() for m in seps if m.start() >= rb), default=len(sent))
    clause = sent[lo:ra] + " " + sent[rb:hi]
    past, future = bool(_PAST.search(clause)), bool(_FUTURE.search(clause))
    if past or future:
        return past, future, future
    return bool(_PAST.search(sent)), bool(_FUTURE.search(sent)), False


_DELIMS = (". ", ".\n", "; ", ";\n", "? ", "?\n", "! ", "!\n", "\n\n")
_ABBREV = frozenset("jl j.l nr nrs d.d o.a bijv resp art mr dr prof ca blz zgn vgl e.d m.b.t t.a.v i.v.m z.s.m".split())


def _is_abbrev(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    w0 = dot
    while w0 > 0 and not text[w0 - 1].isspace() and text[w0 - 1] not in "(«":
        w0 -= 1
    word = text[w0:dot].lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha() and word.isupper())


def _sentence(text: str, a: int, b: int) -> tuple[str, int]:
    """The sentence (or ';'-segment) around text[a:b], at most 400 characters either side."""
    lo, hi = max(0, a - 400), min(len(text), b + 400)
    s = lo
    for d in _DELIMS:
        i = text.rfind(d, lo, a)
        while i >= 0 and _is_abbrev(text, i):
            i = text.rfind(d, lo, i)
        if i >= 0 and i + len(d) > s:
            s = i + len(d)
    e = hi
    for d in _DELIMS:
        i = text.find(d, b, hi)
        while i >= 0 and _is_abbrev(text, i):
            i = text.find(d, i + 1, hi)
        if 0 <= i < e:
            e = i
    return text[s:e], s


_LEAD_MOD = re.compile(r"(?:(?:ook|al|pas|bij\s+voorkeur|in\s+ieder\s+geval|liefst)\s+)+", re.I)
_LEAD_TRIM = re.compile(
    r"(?:(?:over|van|op|aan|in|met|bij|uit|tot)\s+)+"
    r"(?=(?:nog|direct|meteen|kort|uiterlijk|ten\s+laatste|niet\s+later|voorafgaand\w*|vóór|voor|in|rond\w*|"
    r"omstreeks|tijdens|gedurende|na|met|bij)\b)", re.I)


def _trim_prefix(text: str, a: int, prefix: str) -> int:
    """Leading modifiers that are not part of the phrase ("ook", "al", "pas", "in ieder geval") are dropped."""
    off = 0
    for rx in (_LEAD_MOD, _LEAD_TRIM, _LEAD_MOD):
        m = rx.match(prefix, off)
        if m:
            off = m.end()
    return a + off


def _scan(text: str, anchor: Optional[date], context: bool) -> list[Deadline]:
    out: list[Deadline] = []
    for m in _matches(text):
        g = m.groupdict()
        if not context:
            g["_voor_year_ok"] = True      # a lone phrase: "voor 2022" is read as "before 2022"
        elif g.get("year") and g.get("prefix") and re.search(r"\bvoor\s+$", g["prefix"], re.I):
            before = text[max(0, m.start("core") - 60):m.start("core")]
            after = text[m.end():m.end() + 80]
            words_before = re.sub(r"\s*(?:(?:nog|uiterlijk|al|ruim)\s+)*voor\s*$", "", before, flags=re.I)
            g["_voor_year_ok"] = bool(_VOOR_YEAR_BEFORE.search(words_before)) and bool(_FUTURE.match(after) or
                                                                                  _TE_AFTER.match(after))
        prefix0 = g.get("prefix") or ""
        if context and g.get("day") and re.fullmatch(r"\s*(?:op|van)\s+", prefix0, re.I) and \
                _BEFORE_EVENT.search(text, max(0, m.start() - 200), m.start()):
            g["prefix"] = "voor "      # "voorafgaand aan het Wetgevingsoverleg ... op 20 juni": before that day
        try:
            p = _resolve(g, anchor)
        except (OverflowError, ValueError):   # outside year 1..9999 (anchor 9999-12-31, "vóór 1 januari 0001")
            continue
        if p is None:
            continue
        a, b = _trim_prefix(text, m.start(), prefix0), m.end()
        if context:
            if _ATTRIBUTIVE.match(text, b):
                continue
            if p.kind == "in" and g.get("year") and _YEAR_SPAN.match(text, b):
                continue           # "de bezuinigingen op gemeenten in 2026 en 2027": a span of years, not a due date
            if _PAST_LEAD.search(text, max(0, a - 12), a):
                continue           # "eerder dit jaar", "afgelopen voorjaar", "vorige zomer"
            if p.kind == "within" and _AFTER_EVENT.match(text, b):
                continue           # "binnen zes weken na ontvangst": relative to an event, not to the document
            if g.get("event") and re.search(r"samenhangend\w*\s+$", text[max(0, a - 30):a], re.I):
                continue           # "(wijziging samenhangende met de Voorjaarsnota)": a bill's title
            sent, s0 = _sentence(text, a, b)
            pre = sent[:a - s0]
            cons = None
            for cons in _CONSIDERATION.finditer(pre):
                pass
            if cons is not None and not _DICTUM.search(pre, cons.end()):
                continue
            past, future, clause_future = _tense(sent, s0, a, b)
            if past and not future:
                continue
            if p.kind in ("in", "after") and p.explicit_year and anchor is not None and p.end is not None \
                    and p.end < anchor and not clause_future:
                continue           # a past period ("eind 2009"), unless a quoted request ("… in 2019 te informeren")
            if p.bare and not g.get("part") and not future:
                continue           # "dit jaar is er 10 miljoen", "Verzamelbrief Q4 2024": only with a future marker
            if g.get("year") and not g.get("part") and p.kind == "in" and not future:
                continue           # "in 2025 is € 5 mln beschikbaar"
            if p.kind in ("in", "after") and p.end is not None and anchor is not None and p.end < anchor \
                    and not (p.explicit_year and clause_future):
                continue
        out.append(_to_deadline(text, a, b, p, anchor))
    return out


# TRIGGER without re.I, run on the lower-cased text: the same matches at the same offsets (every letter of TRIGGER
# is ASCII; str.lower keeps the length and \w-ness of every character but İ, and re.I folds only İ, ı and ſ
# onto an ASCII letter that str.lower does not give), about 2.5x faster. Texts with İ, ı or ſ use TRIGGER.
_TRIGGER_LOWER = re.compile(TRIGGER.pattern)


# Likewise _SEARCH: its case-sensitive twin (the one upper-case literal, "Q", written "q": the same under re.I)
# finds a match in the lower-cased text; the match object is then taken from the text itself at that offset
# (the same match, since the two patterns accept the same strings there).
_SEARCH_LOW = re.compile(_SEARCH.pattern.replace(r"\bQ(?P<qnum>", r"\bq(?P<qnum>", 1), _SEARCH.flags & ~re.I)
assert _SEARCH_LOW.pattern != _SEARCH.pattern and _SEARCH_LOW.pattern.lower() == _SEARCH.pattern.lower()


def _triggers(text: str, low: Optional[str]):
    if low is not None:
        return _TRIGGER_LOWER.finditer(low)
    return TRIGGER.finditer(text)


def _search(text: str, low: Optional[str], pos: int, hi: int):
    if low is None:
        return _SEARCH.search(text, pos, hi)
    m = _SEARCH_LOW.search(low, pos, hi)
    return None if m is None else _SEARCH.match(text, m.start(), hi)


def _matches(text: str):
    """Leftmost, non-overlapping matches of PATTERN, tried only at word starts shortly before a trigger word."""
    last_end = 0
    low = safe_lower(text)
    for t in _triggers(text, low):
        ts = t.start()
        if ts < last_end:
            continue
        lo = max(last_end, ts - 56)
        if t.group("unit") and not _UNIT_CUE.search(text, max(lo, ts - 40), ts):
            continue
        if t.group("snel") and not (_ZO.search(text, max(0, ts - 6), ts)
                                    and re.match(r"\s+(?:als\s+)?(?:mogelijk|het|dat)\b", text[t.end():t.end() + 20])):
            continue
        hi = min(len(text), t.end() + 60)
        pos = lo
        while pos <= ts:
            m = _search(text, low, pos, hi)
            if m is None or m.start() > ts:
                break
            if m.end() > ts:
                last_end = m.end()
                yield m
                break
            pos = m.end() if m.end() > pos else pos + 1




# ---------------------------------------------------------------- public API

def find_deadlines(text: str, anchor: Optional[date]) -> list[Deadline]:
    """Every time expression in `text` that sets a due date or period for something still to happen."""
    if not text or not PREFILTER.search(text):
        return []
    found = _scan(text, anchor, context=True)
    return [d for d in found if not _long_past(d, anchor)] if anchor else found


# A period that ended well before the document was written is a past event ("de deportatie in 1944",
# "waar Nederland dit voor de zomer van 2023 toepaste"), not a due date. A "by" date quoted from an earlier
# motion ("verzocht … vóór 1 maart 2020 te informeren", in a letter of March 2020) stays: it is the deadline
# the letter is measured against, so only "by" dates more than a year old are dropped.
PAST_GRACE_DAYS = {"by": 366, "in": 60, "after": 60}


def _long_past(d: Deadline, anchor: date) -> bool:
    if not d.end or d.kind not in PAST_GRACE_DAYS:
        return False
    try:
        end = date.fromisoformat(d.end)
    except ValueError:
        return False
    return (anchor - end).days > PAST_GRACE_DAYS[d.kind]


def resolve_phrase(phrase: str, anchor: Optional[date]) -> Optional[Deadline]:
    """Resolve one phrase ("voor de zomer van 2020", "binnen drie weken") without sentence context."""
    if not phrase:
        return None
    found = _scan(phrase, anchor, context=False)
    if not found:
        return None
    return max(found, key=lambda d: d.char_end - d.char_start)
