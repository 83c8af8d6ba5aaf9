"""The learned statement decision: features of a sentence and the three-class model over them.

One `StatementModel` (built by `models/statements/train.py`) labels a sentence `commitment`, `fulfilment` or
`none`. It reads

- the words: TF-IDF word 1–2-grams of the normalised sentence (lower case, digits folded) and of its lemmas
  (`sentences.lemma`: "stuur", "stuurt", "gestuurd" → "sturen");
- cue features that carry over to new wording (`cue_features`): who acts (the government, a member, the Kamer),
  tense and modality (future auxiliary, intention, past perfect, present), the deliverable (brief, rapport,
  evaluatie …), the recipient (uw Kamer), this document ("hierbij", "met deze brief") against a coming one ("in de
  volgende voortgangsbrief"), a due time, a question, a motion's dictum, a subject-line shape, a speaker label;
- the hit of every hand-written rule of `commitments.RULES`, as one more feature each: the rules are evidence the
  model weighs, never a decision of their own.

`StatementModel` (scikit-learn) is fitted by the training script; the package scores with `PlainModel`, the same
model as plain arrays. No I/O here; the artifact is loaded by `commitments._load_model`.
"""
from __future__ import annotations

import re
from typing import Optional

from .sentences import lemma, safe_lower

__all__ = ["StatementModel", "PlainModel", "to_plain", "cue_features", "decide", "has_due_time"]

_F = re.I | re.S
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*")


def normalise(s: str) -> str:
    """Lower case, digits folded to 0 (dossier numbers and dates say nothing about the label)."""
    return _DIGITS.sub("0", s.lower())


_TOKEN = re.compile(r"(?u)\b\w+\b")


def _words_and_lemmas(s: str) -> list[str]:
    """Word 1–2-grams of the normalised sentence and lemma 1–2-grams ("l_" + lemma), for one TfidfVectorizer."""
    words = _TOKEN.findall(normalise(s))
    lems = ["l_" + lemma(w) for w in _WORD.findall(s.lower())]
    out = words + [a + " " + b for a, b in zip(words, words[1:])]
    out += lems + [a + " " + b for a, b in zip(lems, lems[1:])]
    return out


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
def has_due_time(s: str) -> bool:
    return _CUES["due_time"].search(s) is not None


_CUES_LOW = {name: re.compile(rx.pattern, rx.flags & ~re.I) for name, rx in _CUES.items()}


def cue_features(s: str) -> dict[str, int]:
    # the case-sensitive twins on the lower-cased sentence find the same matches (see commitments._lower_twin),
    # except for İ, ı and ſ (safe_lower gives None), where the re.I patterns run on the sentence itself
    low = safe_lower(s)
    if low is None:
        d = {name: int(rx.search(s) is not None) for name, rx in _CUES.items()}
    else:
        d = {name: int(rx.search(low) is not None) for name, rx in _CUES_LOW.items()}
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
    """TF-IDF words and lemmas + cue and rule features → multinomial logistic regression (training side)."""

    def __init__(self, C: float = 2.0, feature_weight: float = 1.0, random_state: int = 0):
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        # words and lemmas in one vocabulary: word 1–2-grams and lemma 1–2-grams (marked "l_"), see _words_and_lemmas
        self.word = TfidfVectorizer(lowercase=False, min_df=2, sublinear_tf=True, token_pattern=None,
                                    analyzer=_words_and_lemmas)
        self.feats = DictVectorizer(sparse=True)
        self.feature_weight = feature_weight
        self.clf = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=random_state)
        # the decision: argmax of probability × weight; the weights are tuned on out-of-fold probabilities of the
        # training documents (train.py), none stays 1
        self.decision_weights = {"commitment": 1.0, "fulfilment": 1.0, "none": 1.0}

    def _X(self, texts: list[str], feats: list[dict[str, int]], fit: bool = False):
        from scipy.sparse import hstack
        if fit:
            parts = [self.word.fit_transform(texts), self.feats.fit_transform(feats)]
        else:
            parts = [self.word.transform(texts), self.feats.transform(feats)]
        return hstack([parts[0], parts[1] * self.feature_weight]).tocsr()

    def fit(self, texts, feats, labels, sample_weight=None):
        self.clf.fit(self._X(texts, feats, fit=True), labels, sample_weight=sample_weight)
        return self

    def predict_proba(self, texts, feats) -> list[dict[str, float]]:
        classes = [str(c) for c in self.clf.classes_]
        return [dict(zip(classes, map(float, row))) for row in self.clf.predict_proba(self._X(texts, feats))]


def decide(p: dict[str, float], weights: Optional[dict[str, float]] = None) -> str:
    """The label for class probabilities `p`: the largest probability × its decision weight."""
    w = weights or {}
    return max(p, key=lambda k: p[k] * w.get(k, 1.0))


class PlainModel:
    """The fitted `StatementModel` as plain arrays: what `predict_proba` needs and nothing of scikit-learn, so the
    package loads it with numpy alone (importing scikit-learn costs more than a whole letter's extraction).
    Written by `models/statements/train.py` as `model.json` (vocabularies, classes, weights) + `model.npz`
    (coefficients, intercepts, idf); `to_plain` and `predict_proba` compute what the fitted TfidfVectorizer
    (sublinear tf, idf, l2 norm), DictVectorizer and multinomial LogisticRegression compute."""

    def __init__(self, meta: dict, arrays: dict):
        import numpy as np
        self.classes = list(meta["classes"])
        self.vocab: dict[str, int] = meta["vocab"]
        self.feature_vocab: dict[str, int] = meta["feature_vocab"]
        self.feature_weight = float(meta["feature_weight"])
        self.decision_weights = dict(meta["decision_weights"])
        self.meta = {k: v for k, v in meta.items() if k not in ("vocab", "feature_vocab")}
        self.idf = np.asarray(arrays["idf"], dtype=np.float64)
        coef = np.asarray(arrays["coef"], dtype=np.float64)
        n_words = len(self.vocab)
        self.coef_words = np.ascontiguousarray(coef[:, :n_words].T)     # (terms, classes)
        self.coef_feats = np.ascontiguousarray(coef[:, n_words:].T)     # (features, classes)
        self.intercept = np.asarray(arrays["intercept"], dtype=np.float64)

    def _scores(self, text: str, feats: dict[str, int]):
        import numpy as np
        counts: dict[int, int] = {}
        vocab = self.vocab
        for term in _words_and_lemmas(text):
            j = vocab.get(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        s = self.intercept.copy()
        if counts:
            cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            w = (np.log(tf) + 1.0) * self.idf[cols]
            w /= np.sqrt(w @ w)
            s += w @ self.coef_words[cols]
        fcols = [self.feature_vocab[k] for k, v in feats.items() if v and k in self.feature_vocab]
        if fcols:
            s += self.coef_feats[fcols].sum(axis=0) * self.feature_weight
        return s

    def predict_proba(self, texts: list[str], feats: list[dict[str, int]]) -> list[dict[str, float]]:
        import numpy as np
        out = []
        for t, f in zip(texts, feats):
            s = self._scores(t, f)
            if len(s) == 1:     # two classes only: sklearn's binary logistic form
                p1 = 1.0 / (1.0 + np.exp(-s[0]))
                p = np.array([1.0 - p1, p1])
            else:
                e = np.exp(s - s.max())
                p = e / e.sum()
            out.append(dict(zip(self.classes, map(float, p))))
        return out


def to_plain(model: StatementModel, **extra) -> tuple[dict, dict]:
    """(meta, arrays) for `PlainModel` from a fitted `StatementModel`."""
    import numpy as np
    vocab = {str(k): int(v) for k, v in model.word.vocabulary_.items()}
    meta = {"format": "kamerstukken-statements-1", "classes": [str(c) for c in model.clf.classes_],
            "vocab": vocab, "feature_vocab": {str(k): int(v) for k, v in model.feats.vocabulary_.items()},
            "feature_weight": model.feature_weight, "decision_weights": model.decision_weights, **extra}
    arrays = {"idf": np.asarray(model.word.idf_, dtype=np.float64), "coef": np.asarray(model.clf.coef_),
              "intercept": np.asarray(model.clf.intercept_)}
    return meta, arrays
