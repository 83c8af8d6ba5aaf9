"""The learned statement decision: features of a sentence and the three-class model over them.

One `StatementModel` (built by `models/statements/train.py`) labels a sentence `commitment`, `fulfilment` or
`none`. It reads

- the words: TF-IDF word 1–2-grams of the normalised sentence (lower case, digits folded) and of its lemmas
  (`sentences.lemma`: "stuur", "stuurt", "gestuurd" → "sturen"), and character 3–5-grams within words;
- cue features that carry over to new wording (`cue_features`): who acts (the government, a member, the Kamer),
  tense and modality (future auxiliary, intention, past perfect, present), the deliverable (brief, rapport,
  evaluatie …), the recipient (uw Kamer), this document ("hierbij", "met deze brief") against a coming one ("in de
  volgende voortgangsbrief"), a due time, a question, a motion's dictum, a subject-line shape, a speaker label;
- the hit of every hand-written rule of `commitments.RULES`, as one more feature each: the rules are evidence the
  model weighs, never a decision of their own.

No I/O here; the artifact is loaded by `commitments._load_model`.
"""
from __future__ import annotations

import re
from typing import Optional

from .sentences import lemma

__all__ = ["StatementModel", "cue_features", "decide", "normalise", "lemmas_of", "CUE_NAMES"]

_F = re.I | re.S
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*")


def normalise(s: str) -> str:
    """Lower case, digits folded to 0 (dossier numbers and dates say nothing about the label)."""
    return _DIGITS.sub("0", s.lower())


def lemmas_of(s: str) -> str:
    return " ".join(lemma(w) for w in _WORD.findall(s.lower()))


_TIME = (r"(?:voor|vóór|na|in|uiterlijk|binnen|begin|eind|einde|medio|rond|per|tegen)\s+(?:de\s+|het\s+|dit\s+|"
         r"deze\s+|volgend\w*\s+|komend\w*\s+)?(?:\w+\s+)?(?:zomer\w*|jaar|jaareinde|maand\w*|week|weken|kwartaal|"
         r"q[1-4]|voorjaar|najaar|herfst|winter|kerst\w*|reces|januari|februari|maart|april|mei|juni|juli|augustus|"
         r"september|oktober|november|december|prinsjesdag|voorjaarsnota|begrotingsbehandeling|20\d\d|\d{1,2}\s+\w+)"
         r"|\b(?:binnenkort|spoedig|zo\s+snel\s+mogelijk|op\s+korte\s+termijn|nog\s+dit\s+jaar|later\s+dit\s+jaar|"
         r"dit\s+(?:voorjaar|najaar)|volgend\s+jaar|deze\s+zomer)")
_DELIVERABLE = (r"(?:\w*brief|\w*rapport\w*|evaluatie\w*|notitie|reactie|kabinetsreactie|overzicht|\w*voorstel|"
                r"beantwoording|visie|plan|uitwerking|analyse|onderzoek|verslag|nota|informatie|monitor|"
                r"voortgangsrapportage|stand\s+van\s+zaken|wetsvoorstel|besluit|resultaten|uitkomsten)")
_CUES: dict[str, re.Pattern] = {
    "gov_subject": re.compile(r"\b(?:ik|wij|we|het\s+kabinet|de\s+regering|de\s+minister\w*|de\s+staatssecretaris|"
                              r"minister\s+[a-z]+|staatssecretaris\s+[a-z]+|het\s+ministerie)\b", _F),
    "first_person": re.compile(r"\b(?:ik|wij|we|mijn|ons|onze)\b", _F),
    "kamer": re.compile(r"\b(?:uw\s+kamer|de\s+(?:tweede\s+|eerste\s+)?kamer|de\s+commissie)\b", _F),
    "you": re.compile(r"\b(?:u|uw)\b", _F),
    "member": re.compile(r"\b(?:het\s+lid|de\s+leden|de\s+heer|mevrouw|kamerlid|kamerleden|fractie\w*|de\s+indiener\w*|"
                         r"collega|de\s+voorzitter)\b", _F),
    "fut_aux": re.compile(r"\b(?:zal|zullen|zult|ga|gaat|gaan)\b", _F),
    "intent": re.compile(r"\b(?:voornemen\w*|van\s+plan|stre(?:ef|eft|ven)|ernaar|beoog\w*|verwacht\w*|wil|willen|"
                         r"bereid|toezeggen|hoop)\b", _F),
    "past_perfect": re.compile(r"\b(?:heb|hebt|heeft|hebben|had|hadden|is|zijn|was|waren|werd|werden)\b[^.;]{0,120}?"
                               r"\b(?:ge\w+(?:d|t|en)|toegezegd|aangekondigd|verzocht|aangenomen|ingediend|"
                               r"geïnformeerd|bericht|beloofd)\b", _F),
    "past_marker": re.compile(r"\b(?:jl|eerder|destijds|vorig\w*|afgelopen|toen|inmiddels|reeds)\b", _F),
    "present_verb_gov": re.compile(r"\b(?:stuur|informeer|bied|zend|ontvangt|treft|geef|doe|deel|kom|reageer|"
                                   r"beantwoord|bericht)\s+(?:ik|wij|we|u)\b", _F),
    "due_time": re.compile(r"\b(?:" + _TIME + r")\b", _F),
    "deliverable": re.compile(r"\b" + _DELIVERABLE + r"\b", _F),
    "deliver_verb": re.compile(r"\b(?:informe\w+|stu(?:ur|re)\w*|zend\w*|zond\w*|toekom\w*|rapporte\w*|bericht\w*|"
                               r"aanbied\w*|bied\w*|voorleg\w*|terug\s?(?:te\s+)?kom\w*|reage\w+|beantwoord\w*|"
                               r"ontvang\w*|krijg\w*|volgt|tegemoet|op\s+de\s+hoogte|ingaan|in\s+te\s+gaan|ga\s+\w*\s*in\s+op|"
                               r"mee\s?(?:te\s+)?ne\w+|presente\w+|deel\w*|melden|meld\w*|besluit\w*)\b", _F),
    "this_doc": re.compile(r"\b(?:hierbij|hiermee|daarmee|bijgaand\w*|hierin|bij\s+deze|"
                           r"(?:met|in|via|middels|bij)\s+(?:deze|dit|de\s+onderhavige)\s+(?:\w+\s+)?(?:brief|kamerbrief|"
                           r"nota|notitie|rapportage|verzamelbrief|voortgangsbrief|beantwoording|memorie))\b", _F),
    "next_doc": re.compile(r"\b(?:volgende|eerstvolgende|komende|eerstkomende|nieuwe|aankomende|nog\s+te\s+verschijnen)\s+"
                           r"(?:\w+\s+)?" + _DELIVERABLE + r"|\b(?:in|bij|met)\s+de\s+(?:\w+\s+)?(?:brief|rapportage|"
                           r"voortgangsbrief|voortgangsrapportage|reactie|kabinetsreactie|voorjaarsnota|begroting|"
                           r"miljoenennota)\s+(?:die|over|van|na|voor|in|aan)\b", _F),
    "promise_word": re.compile(r"\b(?:toezeg\w*|toegezegd\w*|belofte|afspraak)\b", _F),
    "motion_word": re.compile(r"\b(?:motie\w*|verzoek\w*|gevraagd)\b", _F),
    "done_word": re.compile(r"\b(?:uitvoering|invulling|gestand|afgedaan|afdoening|voldaan|voldoe\w*|tegemoet|"
                            r"opvolging|gevolg\s+(?:gegeven|geven|geef))\b", _F),
    "zoals_toegezegd": re.compile(r"\b(?:zoals|conform|overeenkomstig|ter\s+uitvoering\s+van)\s+(?:\w+\s+){0,3}"
                                  r"(?:toegezegd|toezegging\w*|aangekondigd|motie\w*|verzocht|gevraagd)\b", _F),
    "question": re.compile(r"\?\s*[\"'»”]?\s*$|\bof\s+de\s+(?:minister|staatssecretaris|regering)\b", _F),
    "ask": re.compile(r"\b(?:vraag|vragen|vroeg|vroegen|verzoek|verzoekt|verzocht|roep\w*\s+op|wil\s+graag)\b", _F),
    "motion_part": re.compile(r"^\W*(?:en\s+)?(?:verzoekt|constaterende|overwegende|spreekt\s+(?:zich\s+)?uit|roept|"
                              r"draagt|van\s+mening|gehoord\s+de\s+beraadslaging|gaat\s+over\s+tot)\b", _F),
    "negation": re.compile(r"\b(?:niet|geen|nooit|niets)\b", _F),
    "hypothetical": re.compile(r"\b(?:als|indien|wanneer|zodra|mocht|stel\s+dat)\b", _F),
    "speaker_gov": re.compile(r"^\W*(?:minister|staatssecretaris|minister-president)\b[^:]{0,60}:", _F),
    "speaker_member": re.compile(r"^\W*(?:de\s+heer|mevrouw|de\s+voorzitter|voorzitter)\b[^:]{0,60}:", _F),
    "opening_fulfil": re.compile(r"^\W*(?:uitvoering|uitwerking|invulling|afdoening|opvolging|toezegging\w*|"
                                 r"stand\s+van\s+zaken|voortgang|kamerbrief\s+(?:over|met|bij)\s+(?:de\s+)?uitvoering)\b", _F),
    "opening_none": re.compile(r"^\W*(?:appreciatie|uitstel|reactie\s+op\s+verzoek|verzoek|antwoord\s+op|vragen\s+van|"
                               r"lijst\s+van|verslag|wijziging|geannoteerde|agenda)\b", _F),
    "third_person_info": re.compile(r"\b(?:informeert|bericht|stuurt|biedt)\b[^.;]{0,60}\b(?:de\s+(?:tweede\s+|eerste\s+)?"
                                    r"kamer|het\s+parlement)\b", _F),
    "passive_future": re.compile(r"\b(?:wordt|worden|zal|zullen)\b[^.;]{0,80}?\b(?:geïnformeerd|toegezonden|gezonden|"
                                 r"gestuurd|aangeboden|ingediend|voorgelegd|nagezonden|bericht|gepubliceerd)\b", _F),
    "can_be": re.compile(r"\bkan\b[^.;]{0,80}\bworden\b|\bkunnen\b[^.;]{0,80}\bworden\b", _F),
}
CUE_NAMES = tuple(_CUES) + ("no_final_period", "short", "long", "starts_upper_noun")


def cue_features(s: str) -> dict[str, int]:
    d = {name: int(rx.search(s) is not None) for name, rx in _CUES.items()}
    t = s.rstrip()
    d["no_final_period"] = int(not t.endswith((".", "?", "!", ":", ";", ",")))
    d["short"] = int(len(t) < 60)
    d["long"] = int(len(t) > 300)
    d["starts_upper_noun"] = int(bool(re.match(r"^\W*[A-Z][a-z]+\s+(?:van|over|op|inzake|bij|naar)\b", t)))
    # conjunctions the linear model cannot form by itself
    d["gov_x_fut"] = d["gov_subject"] * d["fut_aux"]
    d["gov_x_deliver"] = d["gov_subject"] * d["deliver_verb"]
    d["fut_x_deliver"] = d["fut_aux"] * d["deliver_verb"]
    d["time_x_deliver"] = d["due_time"] * d["deliver_verb"]
    d["kamer_x_deliver"] = (d["kamer"] or d["you"]) * d["deliver_verb"]
    d["this_x_promise"] = d["this_doc"] * (d["promise_word"] or d["motion_word"])
    d["this_x_done"] = d["this_doc"] * d["done_word"]
    d["past_x_promise"] = d["past_perfect"] * d["promise_word"]
    d["member_x_ask"] = d["member"] * d["ask"]
    d["subject_x_fulfil"] = d["no_final_period"] * d["opening_fulfil"]
    return d


class StatementModel:
    """TF-IDF words, lemmas and character n-grams + cue and rule features → multinomial logistic regression."""

    def __init__(self, C: float = 2.0, char: bool = False, feature_weight: float = 1.0, random_state: int = 0):
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        tok = r"(?u)\b\w+\b"
        self.word = TfidfVectorizer(lowercase=False, ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=tok)
        self.lem = TfidfVectorizer(lowercase=False, ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=tok)
        self.char = TfidfVectorizer(lowercase=False, analyzer="char_wb", ngram_range=(3, 5), min_df=3,
                                    sublinear_tf=True, max_features=30000) if char else None
        self.feats = DictVectorizer(sparse=True)
        self.feature_weight = feature_weight
        self.clf = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=random_state)
        # the decision: argmax of probability × weight; the weights are tuned on out-of-fold probabilities of the
        # training documents (train.py), none stays 1
        self.decision_weights = {"commitment": 1.0, "fulfilment": 1.0, "none": 1.0}

    def _X(self, texts: list[str], feats: list[dict[str, int]], fit: bool = False):
        from scipy.sparse import hstack
        norm = [normalise(t) for t in texts]
        lems = [lemmas_of(t) for t in texts]
        parts = []
        if fit:
            parts.append(self.word.fit_transform(norm))
            parts.append(self.lem.fit_transform(lems))
            if self.char is not None:
                parts.append(self.char.fit_transform(norm) * 0.7)
            parts.append(self.feats.fit_transform(feats) * self.feature_weight)
        else:
            parts.append(_tfidf_transform(self.word, norm))
            parts.append(_tfidf_transform(self.lem, lems))
            if self.char is not None:
                parts.append(_tfidf_transform(self.char, norm) * 0.7)
            parts.append(self.feats.transform(feats) * self.feature_weight)
        return hstack(parts).tocsr()

    def fit(self, texts, feats, labels, sample_weight=None):
        self.clf.fit(self._X(texts, feats, fit=True), labels, sample_weight=sample_weight)
        return self

    def predict_proba(self, texts, feats) -> list[dict[str, float]]:
        P = _lr_predict_proba(self.clf, self._X(texts, feats))
        classes = [str(c) for c in self.clf.classes_]
        return [dict(zip(classes, map(float, row))) for row in P]


def decide(p: dict[str, float], weights: Optional[dict[str, float]] = None) -> str:
    """The label for class probabilities `p`: the largest probability × its decision weight."""
    w = weights or {}
    return max(p, key=lambda k: p[k] * w.get(k, 1.0))


def _tfidf_transform(vec, texts):
    """`vec.transform(texts)` for a fitted TfidfVectorizer by the same steps without sklearn's per-call input checks
    (scikit-learn 1.9): the same numbers. Any other set-up takes vec.transform."""
    import numpy as np
    tf = getattr(vec, "_tfidf", None)
    if tf is None or tf.norm not in ("l2", None) or not hasattr(vec, "_count_vocab"):
        return vec.transform(texts)
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2
    vec._check_vocabulary()
    _, X = vec._count_vocab(texts, fixed_vocab=True)
    if vec.binary:
        X.data.fill(1)
    if X.dtype not in (np.float64, np.float32):
        X = X.astype(np.float64)
    if tf.sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1.0
    if hasattr(tf, "idf_"):
        X.data *= tf.idf_[X.indices]
    if tf.norm == "l2":
        inplace_csr_row_normalize_l2(X)
    return X


def _lr_predict_proba(clf, X):
    """Softmax of X @ coef.T + intercept for a fitted multinomial LogisticRegression (what predict_proba computes
    for it in scikit-learn 1.9), without the per-call checks; anything else takes clf.predict_proba."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    if type(clf) is not LogisticRegression or len(clf.classes_) < 3 or not sp.issparse(X) \
            or X.shape[1] != clf.coef_.shape[-1]:
        return clf.predict_proba(X)
    from scipy.special import softmax
    scores = np.asarray(X @ clf.coef_.T) + clf.intercept_
    return softmax(scores, axis=1)


def candidate_reason(s: str) -> Optional[str]:  # pragma: no cover - debugging aid
    hits = [n for n, rx in _CUES.items() if rx.search(s)]
    return ",".join(hits) or None
