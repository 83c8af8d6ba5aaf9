"""Deadline extraction and normalisation (spec/deadlines.md) on real sentences from the corpus.

Fixtures (tests/fixtures/deadlines/): `sentences.jsonl` holds real motion dicta/considerations and letter
sentences (each with its source and anchor date) and the intervals the spec prescribes for them; the two seed
documents are copied verbatim. None of them is taken from gold/dev.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kamerstukken.nlp import calendar as parl
from kamerstukken.nlp.deadlines import find_deadlines, resolve_phrase

FIX = Path(__file__).parent / "fixtures" / "deadlines"
ROWS = [json.loads(l) for l in (FIX / "sentences.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]


def _found(sentence: str, anchor: str):
    return find_deadlines(sentence, date.fromisoformat(anchor))


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['source'].split()[0]}:{i}" for i, r in enumerate(ROWS)])
def test_real_sentences(row):
    found = _found(row["sentence"], row["anchor_date"])
    got = [(d.text, d.kind, d.end) for d in found]
    want = [(e["text"], e["kind"], e["end"]) for e in row["expect"]]
    assert got == want
    for d, e in zip(found, row["expect"]):
        assert row["sentence"][d.char_start:d.char_end] == d.text
        if "start" in e:
            assert d.start == e["start"]


# ---------------------------------------------------------------- the seed documents

def test_seed_000_quoted_motion_deadline_and_na_de_zomer():
    text = (FIX / "seed_000_kst-35300-VII-109.txt").read_text(encoding="utf-8")
    found = {d.text: d for d in find_deadlines(text, date(2020, 3, 12))}
    # the motion quoted in the letter set a deadline that has passed: still a deadline (spec: day before)
    assert found["vóór 1 maart 2020"].kind == "by"
    assert found["vóór 1 maart 2020"].end == "2020-02-29"
    assert found["na de zomer"].kind == "after"
    assert (found["na de zomer"].start, found["na de zomer"].end) == ("2020-09-01", "2020-11-30")
    assert found["binnenkort"].end == "2020-04-11"
    # the letter's own date and the vergaderjaar are not deadlines
    assert "12 maart 2020" not in " ".join(found)
    assert not any("2019" in t for t in found)
    for d in found.values():
        assert text[d.char_start:d.char_end] == d.text


def _by_norm_text(found):
    return {" ".join(d.text.split()): d for d in found}


def test_seed_004_undated_keeps_anchor_dependent_phrases_unresolved():
    text = (FIX / "seed_004_toekomst_openbaar_bestuur.txt").read_text(encoding="utf-8")
    found = _by_norm_text(find_deadlines(text, None))
    voorjaar = found["In het voorjaar van 2020"]
    assert (voorjaar.kind, voorjaar.start, voorjaar.end) == ("in", "2020-03-01", "2020-05-31")
    zomer = found["voor de zomer 2020"]
    assert (zomer.kind, zomer.end) == ("by", "2020-07-01")      # 2020 recess dates not known: fallback Jul 1
    eind = found["voor het einde van dit jaar"]
    assert (eind.kind, eind.start, eind.end) == ("by", None, None)
    eerdaags = [d for t, d in found.items() if t == "eerdaags"]
    assert eerdaags and all((d.kind, d.start, d.end) == ("vague", None, None) for d in eerdaags)
    # "vanaf 2022" (start of a regime), "uit 2016", "27 juni jl." are not deadlines
    assert not any(t.startswith(("vanaf", "uit")) or "juni" in t for t in found)


def test_seed_004_with_anchor_resolves():
    text = (FIX / "seed_004_toekomst_openbaar_bestuur.txt").read_text(encoding="utf-8")
    found = _by_norm_text(find_deadlines(text, date(2019, 10, 1)))
    assert found["voor het einde van dit jaar"].end == "2019-12-31"
    assert found["voor het einde van dit jaar"].start == "2019-10-01"
    assert found["eerdaags"].end == "2019-10-31"
    assert found["voor de zomer 2020"].end == "2020-07-01"


# ---------------------------------------------------------------- phrase-level rules of the spec

@pytest.mark.parametrize("phrase,anchor,kind,start,end", [
    ("voor 2022", date(2021, 3, 1), "by", "2021-03-01", "2021-12-31"),
    ("vóór 1 maart 2024", date(2023, 11, 1), "by", "2023-11-01", "2024-02-29"),       # leap year
    ("uiterlijk 1 maart 2023", date(2022, 11, 1), "by", "2022-11-01", "2023-03-01"),
    ("in januari", date(2024, 12, 10), "in", "2025-01-01", "2025-01-31"),            # year boundary
    ("eind maart", date(2024, 1, 5), "in", "2024-03-21", "2024-03-31"),
    ("medio maart 2021", None, "in", "2021-03-11", "2021-03-20"),
    ("medio 2021", None, "in", "2021-06-01", "2021-07-31"),
    ("begin 2021", None, "in", "2021-01-01", "2021-03-31"),
    ("Q1 2023", None, "in", "2023-01-01", "2023-03-31"),
    ("het eerste kwartaal van 2023", None, "in", "2023-01-01", "2023-03-31"),
    ("de tweede helft van 2024", None, "in", "2024-07-01", "2024-12-31"),
    ("in de winter", date(2024, 1, 10), "in", "2023-12-01", "2024-02-29"),
    ("voor de zomer", date(2024, 3, 1), "by", "2024-03-01", "2024-07-04"),        # recess 2024 starts Jul 5
    ("voor de zomer", date(2021, 3, 1), "by", "2021-03-01", "2021-07-01"),        # unknown year: fallback
    ("na het zomerreces", date(2024, 3, 1), "after", "2024-09-03", "2024-11-30"),
    ("voor het kerstreces", date(2023, 10, 1), "by", "2023-10-01", "2023-12-21"),
    ("voor de kerst", date(2021, 10, 1), "by", "2021-10-01", "2021-12-19"),
    ("voor Prinsjesdag", date(2023, 5, 1), "by", "2023-05-01", "2023-09-19"),
    ("bij de Voorjaarsnota", date(2023, 9, 1), "by", "2023-09-01", "2024-06-01"),
    ("voor de begrotingsbehandeling", date(2023, 11, 15), "by", "2023-11-15", "2024-10-31"),
    ("binnen drie maanden", date(2024, 11, 30), "within", "2024-11-30", "2025-02-28"),
    ("binnen twee weken", date(2023, 12, 25), "within", "2023-12-25", "2024-01-08"),
    ("over 2-3 jaar", date(2020, 2, 29), "vague", "2020-02-29", "2023-02-28"),
    ("in de komende weken", date(2024, 12, 1), "vague", "2024-12-01", "2025-01-12"),
    ("eerdaags", date(2024, 12, 15), "vague", "2024-12-15", "2025-01-14"),
    ("het einde van dit jaar", date(2022, 5, 1), "in", "2022-12-01", "2022-12-31"),
    ("volgend jaar", date(2022, 5, 1), "in", "2023-01-01", "2023-12-31"),
])
def test_resolve_phrase(phrase, anchor, kind, start, end):
    d = resolve_phrase(phrase, anchor)
    assert d is not None
    assert (d.kind, d.start, d.end) == (kind, start, end)
    assert d.text == phrase


@pytest.mark.parametrize("phrase", ["voor 31 februari 2024", "uiterlijk 31 februari", "in de 31 februari"])
def test_impossible_dates_give_nothing(phrase):
    assert resolve_phrase(phrase, date(2024, 1, 1)) is None
    assert find_deadlines(f"De Kamer wordt {phrase} geïnformeerd.", date(2024, 1, 1)) == []


def test_without_anchor_explicit_years_resolve_and_relative_phrases_do_not():
    assert resolve_phrase("voor de zomer van 2020", None).end == "2020-07-01"
    d = resolve_phrase("na de zomer", None)
    assert (d.kind, d.start, d.end) == ("after", None, None)
    d = resolve_phrase("binnen vier weken", None)
    assert (d.kind, d.start, d.end) == ("within", None, None)


def test_not_deadlines():
    anchor = date(2020, 3, 12)
    for s in ["Den Haag, 12 maart 2020", "Vergaderjaar 2019–2020", "Kamerstukken II 2019/20, 35 300 VII, nr. 8",
              "Zoals besproken in het debat van 9 mei 2019 over de begroting 2020.",
              "De wet treedt per 1 januari 2021 in werking.",
              "Sinds 1 januari 2019 is de regeling van kracht."]:
        assert find_deadlines(s, anchor) == [], s


def test_calendar():
    assert parl.prinsjesdag(2024) == date(2024, 9, 17)
    assert parl.prinsjesdag(2025) == date(2025, 9, 16)
    assert parl.summer_recess(2023) == (date(2023, 7, 7), date(2023, 9, 4))
    assert parl.summer_recess(1990) is None
    assert parl.before_summer_recess(1990) == date(1990, 7, 1)
    assert parl.before_christmas_recess(1990) == date(1990, 12, 19)
    assert parl.after_summer_recess(1990) == date(1990, 9, 1)
    assert parl.voorjaarsnota(2024) == date(2024, 6, 1)
    assert parl.begrotingsbehandeling(2024) == date(2024, 10, 31)


def test_one_megabyte_of_real_text():
    """~1 MB: 30 copies of a real letter give 30 times its deadlines (speed lives in bench/, not in a test)."""
    seed = (FIX / "seed_004_toekomst_openbaar_bestuur.txt").read_text(encoding="utf-8")
    text = "\n\n".join([seed] * 30)
    found = find_deadlines(text, date(2019, 10, 1))
    assert len(found) == 30 * len(find_deadlines(seed, date(2019, 10, 1)))


def test_periods_long_before_the_document_are_past_events_not_deadlines():
    # kst-21501-20-2259 (motion of 18 June 2025), a real dictum
    krim = ("verzoekt de regering bij EU-lidstaten na te gaan of en hoe gelijktijdig met deze landen overgegaan kan "
            "worden tot erkenning van de genocide in 1944 op de Krim-Tataren,")
    assert find_deadlines(krim, date(2025, 6, 18)) == []
    # a quoted "vóór" date a few days past still counts: the letter is measured against it
    quoted = "de Kamer daarover vóór 1 maart 2020 te informeren"
    assert [d.end for d in find_deadlines(quoted, date(2020, 3, 12))] == ["2020-02-29"]


# real motion dicta (corpus/tk_moties_2023_2025), the motion's date as anchor
def _triples(sentence: str, anchor: str) -> list[tuple]:
    return [(d.text, d.kind, d.end) for d in _found(sentence, anchor)]


def test_before_a_debate_named_with_its_date():
    # kst-36600-10 and kst-36618-27: the delivery must precede the debate, so it is due the day before
    assert _triples("verzoekt de regering om voorafgaand aan het pensioendebat van 24 september met een voorstel te "
                  "komen voor een verbeterde structurele vroegpensioenregeling,", "2024-09-19") == \
        [("van 24 september", "by", "2024-09-23")]
    assert _triples("verzoekt de regering om voor het commissiedebat mestbeleid van 7 november een lijst met concrete, "
                  "aanvullende maatregelen te presenteren", "2024-10-07") == [("van 7 november", "by", "2024-11-06")]
    # a debate's date by itself is no deadline
    assert _triples("constaterende dat het commissiedebat mestbeleid op 7 november plaatsvindt;", "2024-10-07") == []


def test_shortest_possible_term_and_latest_per_a_date():
    # kst-29665-502: "op kortst mogelijke termijn" is "op korte termijn" (D + 30 days)
    assert _triples("verzoekt de regering in kansrijke gebieden op kortst mogelijke termijn werk te maken van extern "
                  "salderen ten behoeve van het legaliseren van PAS-knelgevallen,", "2024-06-20") == \
        [("op kortst mogelijke termijn", "vague", "2024-07-20")]
    # kst-32813-1459: "uiterlijk per 1 januari 2026" is due on that day
    got = _triples("verzoekt de regering de vrijstelling van energiebelasting voor non-energetisch verbruik van aardgas "
                 "zo spoedig mogelijk maar uiterlijk per 1 januari 2026 af te schaffen,", "2024-12-19")
    assert ("uiterlijk per 1 januari 2026", "by", "2026-01-01") in got


def test_this_season_in_the_past_and_a_span_of_years_are_no_deadlines():
    # kst-36725-XXIII-14 (2 July 2025): "dit voorjaar" is the spring just past, not the next one
    assert _triples("verzoekt de regering deze tafel te laten onderzoeken welke borgende maatregelen er nodig zijn naast "
                  "het ETS-systeem om hetzelfde effect te realiseren als dit voorjaar was beoogd met de nationale "
                  "CO2-heffing;", "2025-07-02") == []
    # kst-36600-B-18: the years of the cuts, not when something is due
    assert _triples("verzoekt de regering te onderzoeken hoe het geld uit deze onderuitputting ingezet kan worden om de "
                  "bezuinigingen op gemeenten in 2026 en 2027 te dempen,", "2024-11-06") == []
    # while "this autumn" ahead, in the present tense a letter uses for what is coming, still counts
    assert _triples("Dit najaar stuur ik uw Kamer de evaluatie.", "2025-07-10") == [("Dit najaar", "in", "2025-11-30")]


def test_weeks_and_days_pass_the_prefilter():
    # "weken" does not contain "week": "over twee weken" was dropped before any rule saw it
    assert _triples("Ik stuur uw Kamer de evaluatie over twee weken.", "2025-03-10") == \
        [("over twee weken", "vague", "2025-03-24")]
    assert _triples("Ik reageer over tien dagen.", "2025-03-10") == [("over tien dagen", "vague", "2025-03-20")]


def test_first_suppletoire_begroting_is_the_voorjaarsnota():
    # the spec: "bij de Voorjaarsnota" is due Jun 1; the first suppletoire begrotingen are presented with it
    assert _triples("Ik informeer uw Kamer bij de eerste suppletoire begroting.", "2025-03-10") == \
        [("bij de eerste suppletoire begroting", "by", "2025-06-01")]
    assert _triples("De eerste suppletoire begroting 2024 is aangenomen.", "2025-03-10") == []
