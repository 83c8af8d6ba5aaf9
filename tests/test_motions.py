"""Motion mentions in real letters/debates/subject lines, and parses of real motion documents."""
import json
import re
from pathlib import Path

from kamerstukken.nlp.motions import (find_motion_mentions, parse_motion_text, split_submitters,
                                      submitters_from_title)

FIX = Path(__file__).parent / "fixtures" / "motions"
S = {r["id"]: r["text"] for r in map(json.loads, (FIX / "sentences.jsonl").read_text("utf-8").splitlines())}


def mm(text, footnotes=None):
    return [(m.text, m.ref, m.submitters, m.declared_done) for m in find_motion_mentions(text, footnotes)]


def test_named_forms_in_letters():
    assert mm(S["S00"]) == [("de motie Verhoeven", None, ["Verhoeven"], False)]
    assert mm(S["S01"]) == [("de motie Middendorp", "kst-34293-41", ["Middendorp"], False)]   # not nr. 35 (an AO)
    assert mm(S["S02"]) == [("De motie van lid Westerveld (GL)", None, ["Westerveld"], False)]
    assert mm(S["S03"]) == [("deze motie", None, [], False), ("de motie van lid Klaver c.s.", None, ["Klaver"], False)]
    assert mm(S["S04"]) == [("de motie van de leden\nKuik en Palland (CDA)", None, ["Kuik", "Palland"], False)]
    m = find_motion_mentions(S["S05"])[0]
    assert (m.text, m.submitters) == ("gewijzigde motie van het lid De Kort", ["De Kort"])
    assert S["S05"][m.char_start:m.char_end] == m.text


def test_generic_plurals_are_not_mentions():
    for k in ("S06", "S07", "S11", "S18"):
        assert mm(S[k]) == [], S[k]


def test_debate_forms():
    assert mm(S["S08"]) == [("Deze motie", None, ["Amhaouch", "Veldman"], False)]
    assert mm(S["S09"])[0] == ("de motie-Moorlag/Van der Lee", None, ["Moorlag", "Van der Lee"], False)
    assert [x[0] for x in mm(S["S10"])] == ["De motie op stuk nr. 236", "de motie op stuk nr. 237"]
    assert mm(S["S12"])[0][0] == "De motie op stuk nr. 234"


def test_subject_lines():
    assert mm(S["S13"]) == [("motie Hamer", "kst-30420-86", ["Hamer"], False)]
    assert mm(S["S14"]) == [("motie-Marcouch/Hennis-Plasschaert", "kst-28684-314", ["Marcouch", "Hennis-Plasschaert"],
                             False)]
    assert mm(S["S15"]) == [("de motie-van Nispen", None, ["van Nispen"], False)]
    assert mm(S["S16"]) == [("motie 32 123 VIII, nr. 26", "kst-32123-VIII-26", [], False)]
    assert mm(S["S17"])[0][1:3] == ("kst-34550-XVI-45", ["Bruins Slot", "Bouwmeester"])
    assert mm(S["S19"]) == [("de motie Van Veldhoven en Jacobi", "kst-29684-96", ["Van Veldhoven", "Jacobi"], False)]
    assert mm(S["S20"])[0][1:3] == ("kst-33000-49", ["Koolmees", "Braakhuis"])
    assert mm(S["S21"])[0][1:3] == ("kst-35526-L", ["Janssen"])


def test_hyphen_convention_uses_members_list():
    assert split_submitters("Van Baarle-Dassen", joined_by_hyphen=True) == ["Van Baarle", "Dassen"]
    assert split_submitters("Nijhof-Leeuw", joined_by_hyphen=True) == ["Nijhof-Leeuw"]          # a member
    assert split_submitters("Van Veldhoven-van der Meer", joined_by_hyphen=True) == ["Van Veldhoven-van der Meer"]
    # a member of 2010 (from the 2008-2025 motion subjects), in a real letter of 23 February 2012
    # (letter_excerpts, kst-33000-XIII-168): one member, not Snijder and Hazelhoff
    ms = find_motion_mentions("De brief is ook een rractie op de motie Wiegman-van Meppelen/Scheppink/Jacobi, "
                              "de motie Snijder-Hazelhoff en de motie Koppejan/Jacobi.")
    assert [m.submitters for m in ms][1:] == [["Snijder-Hazelhoff"], ["Koppejan", "Jacobi"]]
    assert split_submitters("Michon-Derkzen en Palland") == ["Michon-Derkzen", "Palland"]


def _letter_from_xml():
    """Body text of a real letter with glued footnote marks, and its footnotes (mark -> text)."""
    xml = (FIX / "kst-28844-269.xml").read_text("utf-8")
    notes = {}

    def note(m):
        nr = re.search(r"<noot\.nr>(.*?)</noot\.nr>", m.group(0)).group(1)
        notes[nr] = re.sub(r"<[^>]+>", "", re.search(r"<noot\.al>(.*?)</noot\.al>", m.group(0), re.S).group(1))
        return nr

    body = re.sub(r"<noot [^>]*>.*?</noot>", note, xml, flags=re.S)
    paras = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<(?:al|tussenkop)[^>]*>(.*?)</(?:al|tussenkop)>", body, re.S)]
    return "\n\n".join(paras), notes


def test_full_letter_with_footnotes():
    text, notes = _letter_from_xml()
    ms = find_motion_mentions(text, notes)
    named = [m for m in ms if m.submitters]
    assert named and all(m.submitters == ["Van Baarle", "Dassen"] for m in named)
    # the motion is kst-28844-261 (footnotes 2 and 13); footnote 1 (kst-28844-266, a debate) never becomes a ref
    assert {m.ref for m in ms} <= {None, "kst-28844-261"}
    assert sum(m.ref == "kst-28844-261" for m in ms) >= 2
    done = [m for m in ms if m.declared_done]
    assert len(done) == 1 and done[0].text.endswith("motie Van Baarle-Dassen")
    for m in ms:
        assert text[m.char_start:m.char_end] == m.text


def test_quoted_request_from_subject_line():
    # real subject line (tk_zaken_2008_2025 csv, letters about a motion)
    text = ("Reactie op gewijzigde motie van het lid Voordewind waarin de regering wordt verzocht “louter de "
            "kwantitatieve richtlijnen voor het aanhouden van uitgeprocedeerde vreemdelingen zonder strafrechtelijke "
            "antecedenten los te laten”")
    m = find_motion_mentions(text)
    assert len(m) == 1 and m[0].submitters == ["Voordewind"]
    assert m[0].request.startswith("louter de kwantitatieve richtlijnen") and m[0].request.endswith("los te laten")


def test_parse_motion_documents():
    rows = [json.loads(x) for x in (FIX / "moties_sample.jsonl").read_text("utf-8").splitlines()]
    by = {r["kst_id"]: r for r in rows}
    rec = parse_motion_text(by["kst-21501-32-1603"]["tekst"], id="kst-21501-32-1603")
    assert rec.submitters == ["Flach", "Van der Plas", "Vedder", "Nijhof-Leeuw"]
    assert len(rec.considerations) == 4 and rec.considerations[0].startswith("constaterende dat")
    assert len(rec.dicta) == 1 and rec.dicta[0].startswith("verzoekt de regering zich in de afrondende fase")
    assert rec.deadlines == []
    rec = parse_motion_text(by["kst-29826-273"]["tekst"])
    assert rec.submitters == ["Rooderkerk"]
    assert any(c.startswith("van mening dat") for c in rec.considerations)
    # every sample: signature agrees with the title "Motie van het lid X c.s." / "van de leden X en Y"
    for r in rows:
        rec = parse_motion_text(r["tekst"])
        title, cs = submitters_from_title(r["onderwerp"])
        fold = lambda n: n.lower().replace("ş", "s").split()[-1]
        assert [fold(x) for x in rec.submitters[:len(title)]] == [fold(x) for x in title], r["kst_id"]
        assert (len(rec.submitters) > len(title)) == cs


def test_parse_motion_xml():
    xml = (FIX / "kst-35786-7_motie.xml").read_text("utf-8")
    rec = parse_motion_text(xml, id="kst-35786-7")
    assert rec.submitters == ["Van der Graaf", "Maatoug", "Arib"]
    assert len(rec.considerations) == 2 and len(rec.dicta) == 1
    assert rec.dicta[0].startswith("verzoekt de regering te bezien")
    # no signature: falls back to the document's own heading
    no_sig = re.sub(r"<al-groep>.*?</al-groep>", "", xml, flags=re.S)
    assert parse_motion_text(no_sig).submitters == ["Van der Graaf"]


def test_title_parsing():
    assert submitters_from_title("Motie van het lid Flach c.s. over zich sterk maken") == (["Flach"], True)
    assert submitters_from_title("MOTIE VAN DE LEDEN VAN DER PLAS EN NIJHOF-LEEUW") == (["Van der Plas", "Nijhof-Leeuw"],
                                                                                         False)


def test_prefilter_and_one_megabyte():
    """1 MB of real sentences repeated: every copy gives the same mentions (speed is measured in bench/, not
    asserted here: a test never depends on the clock)."""
    assert find_motion_mentions("Geen enkele verwijzing hier.") == []
    blob = "\n\n".join(S.values())
    reps = 1_000_000 // len(blob) + 1
    one = len(find_motion_mentions(blob + "\n\n"))
    n = len(find_motion_mentions((blob + "\n\n") * reps))
    assert n > 1000 and n == reps * one


def test_subject_line_reference_belongs_to_the_motion_it_closes():
    # real letter subjects (corpus/tk_zaken_2008_2025, letter Zaken; none in gold/dev)
    cases = {
        # "overleg" and "Wet" inside the motion's subject do not make the Kamerstuk a letter's or a law's
        "Uitvoering van de motie van het lid Jansen over het overleg tussen zorgverzekeraars en aanbieders over de "
        "problemen in de kraamzorg (Kamerstuk 32279-188)": "kst-32279-188",
        "Reactie op de motie van het lid Edgar Mulder over alle onlinekansspelaanbieders onderwerpen aan de Wet op de "
        "kansspelbelasting (Kamerstuk 35572-44)": "kst-35572-44",
        # brackets inside a word are no bracketed aside
        "Appreciatie van de gewijzigde motie van het lid Van der Graaf over zekerstellen dat aanpassing van de Kieswet "
        "niet leidt tot verslechtering van de representatie van kleine(re) partijen in de Eerste Kamer "
        "(Kamerstuk 35532-9)": "kst-35532-9",
        # acronyms and word parts in brackets belong to the subject
        "Uitvoering van de motie van het lid Biskop inzake behoud van expertise van het Landelijk informatie- en "
        "steunpunt Specifieke Doelgroepen (LISD) en het Landelijk Steunpunt Educatie Molukkers (LSEM) "
        "(Kamerstuk 32500-VIII-189)": "kst-32500-VIII-189",
        "Uitvoering van de motie van het lid Klaver over het aantal crisisplekken in de (jeugd-)ggz opschalen "
        "(Kamerstuk 25295-923)": "kst-25295-923",
        # a motion named by its subject, without submitters
        "Voortgang van de uitvoering van de motie inzake controle van containers op gassingen met "
        "bestrijdingsmiddelen (Kamerstuk 22343, nr. 196)": "kst-22343-196",
    }
    for subject, ref in cases.items():
        ms = find_motion_mentions(subject)
        assert [m.ref for m in ms] == [ref], subject


def test_a_kamerstuk_right_after_a_letter_or_debate_is_not_the_motions():
    # the pattern of a letter recalling its own earlier letter: the Kamerstuk after "bij brief van ..." is that letter
    ms = find_motion_mentions("Over de uitvoering van de motie van het lid Van der Molen over taakdifferentiatie heb ik "
                              "u eerder bij brief van 3 maart 2020 (Kamerstuk 35 300 VII, nr. 100) geïnformeerd.")
    assert [(m.submitters, m.ref) for m in ms] == [(["Van der Molen"], None)]
    # while a debate word inside the motion's subject does not block it (real subject, Zaak 2018Z24349)
    ms = find_motion_mentions("Afdoening van de gewijzigde motie van het lid Buitenweg over inventariseren of het vrije "
                              "publieke debat wordt gehinderd door beveiligingskwesties (Kamerstuk 29754-444)")
    assert [m.ref for m in ms] == ["kst-29754-444"]


def test_plural_names_each_motion_with_its_kamerstuk():
    # real subjects of letter Zaken (corpus/tk_zaken_2008_2025), none in gold/dev
    ms = find_motion_mentions("Reactie op de moties van de leden Jacobi en Aukje de Vries over gaswinning bij "
                              "Terschelling (Kamerstuk 33 450, nr. 31) en van het lid Ouwehand c.s. over de opschorting "
                              "van vergunningaanvragen in het Waddengebied (Kamerstuk 33 450, nr. 32)")
    assert [(m.submitters, m.ref) for m in ms] == [(["Jacobi", "Aukje de Vries"], "kst-33450-31"),
                                                   (["Ouwehand"], "kst-33450-32")]
    # one member, two subjects: the second motion keeps the member
    ms = find_motion_mentions("Uitvoering moties van het lid Ziengs over een marktconsultatie (Kamerstuk 31 490, nr. 186)"
                              "  en over het openbaar aanbesteden met betrekking tot de digitaliseringsactiviteiten "
                              "rijkscollectie (Kamerstuk 31 490, nr. 185)")
    assert [(m.submitters, m.ref) for m in ms] == [(["Ziengs"], "kst-31490-186"), (["Ziengs"], "kst-31490-185")]
    assert ms[1].text.startswith("over het openbaar aanbesteden")
    # the naked form
    ms = find_motion_mentions("Kabinetsstandpunt inzake de CSAM verordening en de  uitvoering van de moties Van "
                              "Ginneken c.s. (Kamerstuk 26643-1011) en Dekker Abdulaziz c.s. (Kamerstuk 32317-856)")
    assert [m.ref for m in ms] == ["kst-26643-1011", "kst-32317-856"]
    # plurals that identify no motion give nothing
    assert find_motion_mentions("In deze brief kom ik onder meer terug op verschillende – door uw Kamer aangenomen – "
                                "moties en toezeggingen met betrekking tot de Migratieketen.") == []
