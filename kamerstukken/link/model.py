"""The learned linker: a logistic regression over `link.features`, fitted by `models/linker/train.py` on real
letter->motion pairs of the corpus (gold/dev kept out), with a Platt calibration fitted on out-of-fold margins.

The artifact is plain JSON (`kamerstukken/data/linker/model.json`: feature names, scaler, coefficients,
calibration, threshold, training figures), read once; no pickle, no network. `$KAMERSTUKKEN_LINKER=rules`
switches it off (the rule scores rank and accept, as before).

`rescore` turns the rule candidates of one letter into calibrated probabilities: the probability ranks them
and is the link's score; a link is accepted when the probability reaches the threshold, the motion was not
submitted after the letter (a gewijzigde motie's slack aside), and an accepted `fulfils` has evidence beyond
submitter names and similarity (`features.has_evidence_beyond_names`).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .features import FEATURES, feature_rows, has_evidence_beyond_names, vector

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "linker" / "model.json"
RESCORE_TOP = 30          # only the best rule candidates are rescored (the rest cannot reach the top 10)


@lru_cache(maxsize=4)
def _read(path: str) -> Optional[dict]:
    p = Path(path)
    if not p.exists():
        return None
    m = json.loads(p.read_text(encoding="utf-8"))
    if tuple(m["features"]) != FEATURES:
        raise ValueError(f"{p}: the model's features differ from link.features.FEATURES; retrain it")
    return m


def load(path: Optional[Path] = None):
    """The learned model, or False when switched off ($KAMERSTUKKEN_LINKER=rules) or not present."""
    if os.environ.get("KAMERSTUKKEN_LINKER", "").lower() == "rules":
        return False
    return _read(str(path or MODEL_PATH)) or False


def tag() -> str:
    """What decides acceptance, for the linker's fingerprints: "rules", or a digest of the model."""
    m = load()
    if not m:
        return "rules"
    return hashlib.sha256(json.dumps([m["coef"], m["intercept"], m["platt"], m.get("threshold")]).encode()).hexdigest()[:12]


def margin(model: dict, x: list[float]) -> float:
    z = model["intercept"]
    for v, mu, sd, w in zip(x, model["mean"], model["scale"], model["coef"]):
        z += w * ((v - mu) / sd if sd else 0.0)
    return z


def probability(model: dict, m: float) -> float:
    """Platt calibration of a margin: P(the letter answers this target)."""
    a, b = model["platt"]
    return 1.0 / (1.0 + math.exp(-(a * m + b)))


DEFINITIONAL = ("explicit_ref", "register_or_zaak", "tvv_named")


def _given(f: dict, evidence: str) -> bool:
    """A Kamerstuk reference, the register, Zaak.GerelateerdNaar or "t.v.v." names the target itself, or the
    letter predates the amended motion it names and can only cite the one it replaces: taken as given (the
    masked subjects of the training letters cannot price these)."""
    return any(f[k] for k in DEFINITIONAL) or "printed on or after the letter's date" in evidence


def rescore(link_module, model: dict, index, letter, found: dict, qv=None) -> None:
    """Score a letter's candidates with the pair model's calibrated probability and decide acceptance from
    it (in place). The rank order stays the rule linker's: on the held-out slice the pair model's own order
    ranked worse (docs/linking.md), so the probability says how sure a link is, the rank which comes first.
    A link is accepted when the probability reaches the threshold and the motion is not dated after the
    letter (amended-motion slack aside); an accepted `fulfils` of a motion needs something beyond names and
    similarity that names it (`features.has_evidence_beyond_names`)."""
    if not found:
        return
    order = sorted(found.values(), key=lambda s: -s.raw)
    top = order[:RESCORE_TOP]
    for sc in order[RESCORE_TOP:]:
        del found[sc.target]
    feats = feature_rows(link_module, index, letter, {s.target: s for s in top}, qv=qv)
    threshold = model.get("threshold", 0.5)
    for sc in top:
        f = feats[sc.target]
        p = probability(model, margin(model, vector(f)))
        sc.score = max(p, 0.99) if _given(f, sc.evidence) else p
        ok = sc.score >= threshold and not _too_late(index, letter, sc.target)
        if ok and sc.relation == "fulfils" and index.targets[sc.target].kind == "motion" and \
                has_evidence_beyond_names(f) is None:
            ok = False
            sc.evidence += "; not accepted as fulfils on names and similarity alone"
        sc.accepted = ok


def _too_late(index, letter, i: int) -> bool:
    """A motion submitted after the letter (a gewijzigde motie printed up to two days later aside)."""
    t = index.targets[i]
    if letter.ord is None or t.ord is None or t.ord <= letter.ord:
        return False
    return not (index.amended[i] and t.ord - letter.ord <= 2)
