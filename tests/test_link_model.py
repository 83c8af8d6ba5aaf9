"""The learned linker (kamerstukken/link/model.py): its artifact, its calibrated acceptance, its hard rules,
on the real records of tests/fixtures/link."""
from __future__ import annotations

import math

import pytest

import kamerstukken.link as L
from kamerstukken.link import features, model
from test_link import _store, _top


def test_the_artifact_matches_the_features_and_says_how_it_was_made():
    m = model.load()
    assert m and tuple(m["features"]) == features.FEATURES
    t = m["training"]
    assert t["letters_fit"] > 50 and t["letters_held_out"] > 15 and t["positives_fit"] > t["letters_fit"]
    # the held-out slice is measured, and the calibration is reported with it
    assert set(t["held_out_learned"]) >= {"hits@1", "hits@gold", "mrr"}
    assert 0 <= t["held_out_calibration"]["ece"] < 0.1
    # probabilities rise with the margin
    ps = [model.probability(m, x) for x in (-5, -1, 0, 1, 5)]
    assert ps == sorted(ps) and 0 < ps[0] < ps[-1] < 1


def test_a_motion_dated_after_the_letter_is_never_accepted_amended_slack_aside():
    s = _store()
    L.sync_motions(s)
    index = L.build_index(L.targets_from_store(s))
    letter = L.LetterRec(id="2025D16918", date="2025-04-14")      # the Dassen appreciation of 14 April 2025
    amended = index.by_id["kst-32637-688"]                         # gewijzigde motie, printed 15 April 2025
    assert index.amended[amended] and not model._too_late(index, letter, amended)
    later = [i for i, t in enumerate(index.targets) if t.ord and t.ord > letter.ord + 2]
    assert later and all(model._too_late(index, letter, i) for i in later)
    earlier = [i for i, t in enumerate(index.targets) if t.ord and t.ord <= letter.ord]
    assert earlier and not any(model._too_late(index, letter, i) for i in earlier)


def test_names_and_similarity_alone_make_no_accepted_fulfils_but_a_topic_does():
    f = {k: 0.0 for k in features.FEATURES}
    assert features.has_evidence_beyond_names({**f, "names_score": 1.0, "cosine": 0.9}) is None
    assert features.has_evidence_beyond_names({**f, "names_score": 1.0, "topic_score": 0.95}) == "topic named"
    assert features.has_evidence_beyond_names({**f, "explicit_ref": 1.0}) == "explicit_ref"


def test_the_rules_switch_restores_the_hand_set_acceptance(monkeypatch):
    s = _store()
    L.link_store(s)
    learned = _top(s)["2024D45998"][0]
    monkeypatch.setenv("KAMERSTUKKEN_LINKER", "rules")
    s2 = _store()
    L.link_store(s2)
    rules = _top(s2)["2024D45998"][0]
    # the same motion first either way; the rules accepted it on "submitters Ram + topic similarity 0.23"
    assert learned["to"] == rules["to"] == "kst-36550-XVII-18"
    assert rules["accepted"] and not learned["accepted"]
    assert math.isclose(learned["score"], round(learned["score"], 4))


@pytest.mark.parametrize("letter", ["2025D32813"])
def test_a_topic_named_without_submitters_is_accepted(letter):
    s = _store()
    L.link_store(s)
    top = _top(s)[letter][0]
    # "Plan van aanpak aangenomen motie inzake benoemingen in de raad van toezicht …": topic similarity 1.00
    assert top["to"] == "kst-33578-152" and top["relation"] == "fulfils" and top["accepted"]
