"""The parliamentary calendar: recesses, Prinsjesdag, Voorjaarsnota, budget debates.

Recess dates come from `data/calendar.json` (each entry cites its public source). Years not listed there
fall back to the conventions of `spec/deadlines.md`: "voor de zomer" ends Jul 1 (so the summer recess is
taken to start Jul 2 and to end Aug 31, "na het zomerreces" starts Sep 1), "voor het kerstreces" ends Dec 19,
the budget debate ("begrotingsbehandeling") is Oct 31. Prinsjesdag is computed (third Tuesday of September).

The JSON is package data, read once on first use; nothing here does any other I/O.
"""
from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Optional

_DATA = Path(__file__).with_name("data") / "calendar.json"

Interval = tuple[date, date]


@lru_cache(maxsize=1)
def _table() -> dict:
    try:
        return json.loads(_DATA.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _known(section: str, year: int) -> Optional[Interval]:
    entry = _table().get(section, {}).get(str(year))
    if not entry:
        return None
    try:
        return date.fromisoformat(entry["start"]), date.fromisoformat(entry["end"])
    except (KeyError, ValueError):
        return None


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based) `weekday` (Monday=0) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


# ---------------------------------------------------------------- recesses

def summer_recess(year: int) -> Optional[Interval]:
    """The Tweede Kamer's summer recess (first, last day) where known, else None."""
    return _known("summer_recess", year)


def christmas_recess(year: int) -> Optional[Interval]:
    """The Christmas recess that starts in December of `year`, where known, else None."""
    return _known("christmas_recess", year)


def summer_recess_or_fallback(year: int) -> Interval:
    return summer_recess(year) or (date(year, 7, 2), date(year, 8, 31))


def christmas_recess_or_fallback(year: int) -> Interval:
    return christmas_recess(year) or (date(year, 12, 20), date(year + 1, 1, 10))


def before_summer_recess(year: int) -> date:
    """Last day of "voor de zomer" / "voor het zomerreces": the day before the recess begins (fallback Jul 1)."""
    return summer_recess_or_fallback(year)[0] - timedelta(days=1)


def after_summer_recess(year: int) -> date:
    """First day after the summer recess (fallback Sep 1)."""
    return summer_recess_or_fallback(year)[1] + timedelta(days=1)


def before_christmas_recess(year: int) -> date:
    """Last day of "voor het kerstreces" / "voor de kerst" (fallback Dec 19)."""
    return christmas_recess_or_fallback(year)[0] - timedelta(days=1)


# Minor recesses have no known dates here; these are typical first days (used only with a 7-day tolerance).
_MINOR_RECESS_START = {"voorjaarsreces": (2, 14), "krokusreces": (2, 14), "meireces": (4, 25), "herfstreces": (10, 13)}
_MINOR_RECESS_DAYS = {"voorjaarsreces": 10, "krokusreces": 10, "meireces": 17, "herfstreces": 10}


def minor_recess(name: str, year: int) -> Interval:
    m, d = _MINOR_RECESS_START[name]
    start = date(year, m, d)
    return start, start + timedelta(days=_MINOR_RECESS_DAYS[name])


# ---------------------------------------------------------------- budget cycle

def prinsjesdag(year: int) -> date:
    """Third Tuesday of September."""
    return nth_weekday(year, 9, 1, 3)


def voorjaarsnota(year: int) -> date:
    """The Voorjaarsnota is due before Jun 1."""
    return date(year, 6, 1)


def verantwoordingsdag(year: int) -> date:
    """Third Wednesday of May."""
    return nth_weekday(year, 5, 2, 3)


def begrotingsbehandeling(year: int) -> date:
    """The budget debate: the known date where listed, else the spec's fallback Oct 31."""
    entry = _table().get("budget_debate", {}).get(str(year))
    if entry:
        try:
            return date.fromisoformat(entry["date"] if isinstance(entry, dict) else entry)
        except (KeyError, ValueError):
            pass
    return date(year, 10, 31)
