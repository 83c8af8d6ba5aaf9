"""Relations read from a letter's body (kamerstukken.body): a fulfilment statement about a motion makes the
link `fulfils` whatever the subject line says; an appreciation stays `responds`. Real letter texts: seeds 000
and 003, kst-28844-269, the letter excerpts in tests/fixtures/body."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamerstukken.body import BodyMention, body_claims, is_appreciation, statements_of_text
from kamerstukken.link import export_links, link_store
from kamerstukken.models import Document
from kamerstukken.parse import parse
from kamerstukken.stages import extract_all
from kamerstukken.store import Store

FIX = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).resolve().parents[1] / "kamerstukken" / "data" / "documents"
PBL_MOTION = "2013Z21527"   # "Motie van het lid Verhoeven over een analyse van het Planbureau … over de binnensteden"


def _excerpt(kst_id: str) -> dict:
    for l in (FIX / "body" / "letters.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(l)
        if r["kst_id"] == kst_id:
            return r
    raise KeyError(kst_id)


def _claims_of(text: str, title_first=None):
    from kamerstukken.nlp.motions import find_motion_mentions
    mentions = [BodyMention(m.char_start, m.char_end, m.ref, list(m.submitters), m.declared_done)
                for m in find_motion_mentions(text)]
    return body_claims(statements_of_text(text), mentions, title_first)


def _verhoeven_store(subject: str, with_body: bool = True) -> Store:
    s = Store(":memory:")
    for l in (FIX / "body" / "motions_2013.jsonl").read_text(encoding="utf-8").splitlines():
        z = json.loads(l)
        s.upsert_document(Document(id=z["Nummer"], kind="motion", title=z["Onderwerp"], date=z["GestartOp"]))
    r = _excerpt("kst-31757-72")
    s.upsert_document(Document(id=r["kst_id"], kind="letter", title=subject, date=r["date"],
                               text=r["text"] if with_body else ""))
    extract_all(s)
    link_store(s)
    return s


def _top(s: Store, letter: str) -> dict:
    return next(e for e in export_links(s, 5) if e["from"] == letter)["candidates"][0]


REACTIE = ("Reactie op de motie van het lid Verhoeven over een analyse van het Planbureau voor de Leefomgeving "
           "over de binnensteden")


def test_reactie_op_de_motie_whose_body_carries_it_out_fulfils():
    # "Hierbij bied ik u de publicatie De Veerkrachtige Binnenstad aan …, waarom door uw Kamer … in de motie
    # Verhoeven is verzocht": the letter delivers what the motion asked
    top = _top(_verhoeven_store(REACTIE), "kst-31757-72")
    assert top["to"] == PBL_MOTION and top["accepted"]
    assert top["relation"] == "fulfils" and "fulfilment statement in the letter" in top["evidence"]
    assert "Veerkrachtige Binnenstad" in top["evidence"]
    # the same subject line without the body: the subject's words decide, and they say `responds`
    bare = _top(_verhoeven_store(REACTIE, with_body=False), "kst-31757-72")
    assert bare["to"] == PBL_MOTION and bare["relation"] == "responds"


def test_only_the_motion_the_letter_answers_gets_the_body_claim():
    s = _verhoeven_store(REACTIE)
    links = {c["to"]: c for c in next(e for e in export_links(s, 5) if e["from"] == "kst-31757-72")["candidates"]}
    others = [c for to, c in links.items() if to != PBL_MOTION]
    assert all("fulfilment statement" not in c["evidence"] for c in others)


def test_an_appreciation_stays_responds_whatever_its_body():
    subject = REACTIE.replace("Reactie op de motie", "Appreciatie van de motie")
    assert is_appreciation(subject) and not is_appreciation(REACTIE)
    top = _top(_verhoeven_store(subject), "kst-31757-72")
    assert top["to"] == PBL_MOTION and top["relation"] == "responds"


def test_seed_000_anaphor_ties_the_declaration_to_the_motion_named_before():
    d = parse((FIX / "link" / "kst-35300-VII-109.txt").read_bytes(), "kst-35300-VII-109.txt")
    from kamerstukken.nlp.motions import find_motion_mentions
    fn = {f.mark: f.text for f in d.footnotes}
    mentions = [BodyMention(m.char_start, m.char_end, m.ref, list(m.submitters), m.declared_done)
                for m in find_motion_mentions(d.text, fn)]
    claims = body_claims(statements_of_text(d.text), mentions)
    # "Bij deze informeer ik u over de uitvoering van deze motie en stel u voor daarmee de motie als afgedaan
    # te beschouwen": "deze motie" is the motion of the member Van der Molen named in the first sentence
    assert claims and claims[0].how == "anaphor" and claims[0].declared
    assert claims[0].names == ["Van der Molen"]


def test_seed_003_names_the_motion_it_carries_out():
    text = (DOCS / "003_3b6b03eb9203325c.txt").read_text(encoding="utf-8")
    claims = _claims_of(text)
    # "Daarmee geef ik ook uitvoering aan de motie-Chakor/Van Nispen."
    assert any(c.names == ["Chakor", "Van Nispen"] and c.how == "name" and not c.declared for c in claims)


def test_kst_28844_269_declares_the_motion_van_baarle_dassen_done():
    d = parse((FIX / "link" / "kst-28844-269.xml").read_bytes(), "kst-28844-269.xml")
    claims = _claims_of(d.text)
    done = [c for c in claims if c.declared]
    assert done and all(set(c.names) == {"Van Baarle", "Dassen"} for c in done)
    assert "als afgedaan" in done[-1].sentence


@pytest.mark.parametrize("kst_id", ["kst-35300-VII-113", "kst-32813-448"])
def test_a_postponement_or_a_promise_is_no_fulfilment(kst_id):
    # "Het is helaas niet mogelijk gebleken …" / "Conform de motie …, zal het kabinet uw Kamer … informeren"
    assert _claims_of(_excerpt(kst_id)["text"]) == []
