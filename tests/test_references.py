"""find_references / canonical ids on real citation text (letters, subject lines, a full kst XML)."""
import json
import re
from pathlib import Path

import pytest

from kamerstukken.nlp.references import (canonical_kst, find_references, locate_marks, parse_id,
                                         refs_from_extref)

FIX = Path(__file__).parent / "fixtures" / "motions"


def ids(text, footnotes=None):
    return [r.id for r in find_references(text, footnotes)]


@pytest.mark.parametrize("text,expected", [
    ("Kamerstuk 35 300 VII, nr. 20", ["kst-35300-VII-20"]),
    ("Kamerstukken II 2019/20, 35 300 VII, nr. 109", ["kst-35300-VII-109"]),
    ("TK 2024-2025, 36600-B, nr.21", ["kst-36600-B-21"]),
    ("(Kamerstuk 21501-32-1740)", ["kst-21501-32-1740"]),
    ("Kamerstuk 28 844, nr. 261", ["kst-28844-261"]),
    ("Kamerstukken I 2019/20, 35 300, C", ["kst-35300-C"]),
    ("Handelingen II 2019/20, nr. 45, item 7", ["h-tk-20192020-45-7"]),
    ("Handelingen I 2019/20, nr. 12, item 3", ["h-ek-20192020-12-3"]),
    ("Kamerstukken 29 279, nrs. 10 en 12", ["kst-29279-10", "kst-29279-12"]),
    ("Kamerstuk 28 844, nr. 261 en 28 844, nr. 266", ["kst-28844-261", "kst-28844-266"]),
    ("Kamerstuk 21 501-32, nr. 1740", ["kst-21501-32-1740"]),
    ("Kamerstukken II 2008/09, 31 700 IXB, nr. 5", ["kst-31700-IXB-5"]),
])
def test_citation_forms(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize("text", [
    "Het gaat om 35 300 euro per gemeente.",
    "Een bedrag van € 35 300 is gereserveerd.",
    "Bel 070 - 426 44 26 of schrijf naar Postbus 20011, 2500 EA Den Haag.",
    "Den Haag, 12 maart 2020",
    "Ik begin met de eerste motie, die op stuk nr. 253.",
])
def test_no_false_hits(text):
    assert ids(text) == []


def test_real_subject_lines():
    # subject lines of real government letters (tk_zaken_2008_2025 csv)
    rows = {r["id"]: r for r in map(json.loads, (FIX / "sentences.jsonl").read_text("utf-8").splitlines())}
    assert ids(rows["S13"]["text"]) == ["kst-30420-86"]
    assert ids(rows["S14"]["text"]) == ["kst-28684-314"]
    assert ids(rows["S16"]["text"]) == ["kst-32123-VIII-26"]
    assert ids(rows["S17"]["text"]) == ["kst-34550-XVI-45"]
    assert ids(rows["S19"]["text"]) == ["kst-29684-96"]
    assert ids(rows["S21"]["text"]) == ["kst-35526-L"]
    # "Kamerstuk 34 293, nr. 35" and "nr. 41" in one letter sentence, with offsets
    s = rows["S01"]["text"]
    refs = find_references(s)
    assert [r.id for r in refs] == ["kst-34293-35", "kst-34293-41"]
    assert s[refs[1].char_start:refs[1].char_end] == "Kamerstuk 34 293, nr. 41"


def test_letter_xml_extrefs_agree_with_text():
    """Every <extref doc="kst-..."> in a real letter is found again in its visible citation text."""
    xml = (FIX / "kst-28844-269.xml").read_text("utf-8")
    pairs = re.findall(r'<extref doc="([^"]+)"[^>]*>([^<]+)</extref>', xml)
    assert len(pairs) >= 5
    checked = 0
    for doc, shown in pairs:
        canon = refs_from_extref(doc)
        if not canon.startswith("kst-"):
            continue
        assert canon in ids("Kamerstuk " + shown), (doc, shown)
        checked += 1
    assert checked >= 4


def test_footnote_refs_carry_mark_offsets():
    text = "Uw Kamer heeft via gewijzigde motie van het lid De Kort1het kabinet verzocht"  # kst-35394-48
    refs = find_references(text, {"1": "Kamerstuk 35 394, nr. 12"})
    assert len(refs) == 1 and refs[0].via == "footnote"
    assert text[refs[0].char_start:refs[0].char_end] == "1"
    assert refs[0].char_start == text.index("Kort1") + 4
    sup = "bij motie van het lid Van der Molen¹ verzocht"
    assert locate_marks(sup, ["¹"])["¹"] == (sup.index("¹"), sup.index("¹") + 1)
    assert locate_marks(sup, ["1"])["1"] == (sup.index("¹"), sup.index("¹") + 1)
    html = "de openbaar bestuur<sup>2</sup> verzocht"
    assert html[slice(*locate_marks(html, ["2"])["2"])] == "<sup>2</sup>"


def test_ids_roundtrip():
    assert canonical_kst("35 300", "VII", "20") == "kst-35300-VII-20"
    assert canonical_kst("28844", None, "261") == "kst-28844-261"
    assert parse_id("kst-21501-32-1740") == {"type": "kst", "dossier": "21501", "toevoeging": "32", "nr": "1740",
                                              "dossier_full": "21501-32"}
    assert parse_id("h-tk-20192020-45-7")["vergaderjaar"] == "2019-2020"
    assert parse_id("nonsense") == {}
    assert refs_from_extref("kst-28844-261") == "kst-28844-261"
    assert refs_from_extref("https://zoek.officielebekendmakingen.nl/kst-35300-vii-20.html") == "kst-35300-VII-20"
    assert refs_from_extref("stb-2020-1") == ""


def test_one_megabyte():
    """1 MB of real sentences repeated: every copy gives the same references (speed lives in bench/)."""
    rows = [json.loads(x)["text"] for x in (FIX / "sentences.jsonl").read_text("utf-8").splitlines()]
    blob = " ".join(rows)
    reps = 1_000_000 // len(blob) + 1
    one = len(find_references(blob + "\n\n"))
    n = len(find_references((blob + "\n\n") * reps))
    assert n > 1000 and n == reps * one
